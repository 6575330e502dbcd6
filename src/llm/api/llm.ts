/**
 * The LLM API (kiln/llm):
 *
 *   const plan = await LLM.plan(url, { budgetBytes: 1.5e9 });   // header only: fits? which backend?
 *   const llm = await LLM.load(url, { contextSize: 2048, onProgress });
 *   for await (const t of llm.generate('Once upon a time', { maxTokens: 64 })) out += t.text;
 *   for await (const t of llm.chat([{ role: 'user', content: 'Hi' }])) …;
 *   const r = await llm.chat.completions.create({ messages, stream: false });   // OpenAI-shaped
 *   await llm.unload();
 *
 * One generation runs at a time per LLM (later calls wait their turn). The KV cache keeps the last
 * conversation, so a chat that grows by a turn re-reads only the new tokens.
 */
import type { Backend } from '../../engine/backend.js';
import { KilnError } from '../../engine/errors.js';
import type { KvType, LlmKernels, LlmWeight } from '../../engine/llm-kernels.js';
import { openGguf, type GgufFile, type GgufInput, type GgufOpenOptions } from '../../formats/gguf/index.js';
import type { ChatMessage, ChatTemplateOptions } from '../chat-template.js';
import { readConfig, type ModelConfig } from '../runner/config.js';
import { Transformer } from '../runner/forward.js';
import { freeWeights, uploadWeights, type LoadProgress } from '../runner/load.js';
import { allSpecs, planWeights, type ModelWeights } from '../runner/tensors.js';
import { Tokenizer } from '../tokenizer/index.js';
import { DEFAULT_BACKENDS, pickBackend, type BackendChoice, type BackendVerdict, type SoftwareGpuPolicy } from './backends.js';
import { evalPrompt, generateTokens, type GenerateOptions, type GenerationResult, type Session, type TokenEvent } from './generate.js';
import { createCompletions } from './openai.js';
import { DEFAULT_BATCH, defaultContext, planModel, type LlmPlan, type PlanOptions } from './plan.js';

export interface LoadOptions extends GgufOpenOptions {
  /** Backends to try, in order (names from the registry, or Backend objects). Default webgpu, wasm, reference. */
  backends?: readonly BackendChoice[];
  /** A software GPU adapter (SwiftShader) is tried last by default; 'allow' takes the list as given. */
  softwareGpu?: SoftwareGpuPolicy;
  /** Tokens the KV cache holds. Default: the training context, at most 4096. */
  contextSize?: number;
  /** KV cache precision. Default: the backend's preference (f16 on WebGPU with shader-f16, else f32). */
  kvType?: KvType;
  /** Tokens per prefill batch. Default 256. */
  batchSize?: number;
  onProgress?: (p: LoadProgress) => void;
  signal?: AbortSignal;
  /** A Jinja chat template for chat() when the model has none (or to replace its own). */
  chatTemplate?: string;
}

export interface ChatOptions extends GenerateOptions, Omit<ChatTemplateOptions, 'bosToken' | 'eosToken'> {
  /** A Jinja chat template to use instead of the model's own. */
  chatTemplate?: string;
}

export interface LlmMemory {
  readonly weights: number;
  readonly kv: number;
  readonly activations: number;
  /** Most bytes the backend held at once. */
  readonly peak: number;
}

type ChatFn = ((messages: readonly ChatMessage[], opts?: ChatOptions) => AsyncGenerator<TokenEvent, GenerationResult>) & {
  completions: ReturnType<typeof createCompletions>;
};

export class LLM {
  readonly chat: ChatFn;
  private session: Session;
  private queue: Promise<void> = Promise.resolve();
  private released = false;

  private constructor(
    readonly config: ModelConfig,
    readonly tokenizer: Tokenizer,
    readonly backend: Backend,
    private readonly kernels: LlmKernels,
    private readonly weights: ModelWeights<LlmWeight>,
    transformer: Transformer,
    /** Name for API responses (general.name, or the file name). */
    readonly modelName: string,
    private readonly ownsBackend: boolean,
    /** Each backend asked for, in order, up to the one chosen: whether it could run the model, and why not. */
    readonly verdicts: readonly BackendVerdict[],
    private readonly chatTemplate?: string,
  ) {
    this.session = { t: transformer, tokens: [] };
    const chat = (messages: readonly ChatMessage[], opts: ChatOptions = {}) => this.generate(this.chatPrompt(messages, opts), { parseSpecial: true, ...opts });
    this.chat = Object.assign(chat, { completions: createCompletions((m, o) => chat(m, o), () => this.modelName) });
  }

  /** Reads the GGUF header only and reports memory, fit, backend and what to shrink. */
  static plan(source: GgufInput, opts: PlanOptions = {}): Promise<LlmPlan> {
    return planModel(source, opts);
  }

  static async load(source: GgufInput | GgufFile, opts: LoadOptions = {}): Promise<LLM> {
    const given = typeof source === 'object' && source !== null && 'tensorBytes' in source;
    const file = given ? (source as GgufFile) : await openGguf(source as GgufInput, opts);
    let picked: Awaited<ReturnType<typeof pickBackend>> | undefined;
    try {
      const cfg = readConfig(file.metadata);
      const tokenizer = Tokenizer.fromGguf(file);
      const ctx = defaultContext(cfg, opts.contextSize);
      const plan = planWeights(cfg, file, ctx);
      if (tokenizer.size > plan.embed.rows) {
        throw new KilnError('E_SHAPE_MISMATCH', `the vocabulary has ${tokenizer.size} tokens but 'token_embd.weight' has ${plan.embed.rows} rows`, { tensor: 'token_embd.weight' });
      }
      const backends = opts.backends ?? DEFAULT_BACKENDS;
      picked = await pickBackend(backends, allSpecs(plan), opts.softwareGpu);
      const k = picked.kernels;
      const kvType = opts.kvType ?? k.info.kvTypes[0] ?? 'f32';
      if (!k.info.kvTypes.includes(kvType)) throw new KilnError('E_INPUT_INVALID', `backend '${picked.backend.name}' has no ${kvType} KV cache (it offers ${k.info.kvTypes.join(', ')})`);
      const batchSize = opts.batchSize ?? DEFAULT_BATCH;
      if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new KilnError('E_INPUT_INVALID', `batchSize must be a positive integer, got ${batchSize}`);
      const weights = await uploadWeights(plan, file, k, opts);
      let t: Transformer;
      try {
        t = new Transformer(cfg, weights, k, { contextSize: ctx, kvType, batchSize: Math.min(batchSize, ctx) });
      } catch (e) {
        freeWeights(weights, k);
        throw e;
      }
      const name = cfg.name ?? file.shards[0]!.name.split(/[\\/]/).pop()!;
      const owns = !backends.includes(picked.backend);
      return new LLM(cfg, tokenizer, picked.backend, k, weights, t, name, owns, picked.verdicts, opts.chatTemplate);
    } catch (e) {
      if (picked && !(opts.backends ?? []).includes(picked.backend)) picked.backend.dispose?.();
      throw e;
    } finally {
      if (!given) await file.close();
    }
  }

  /** The backend that runs the model. */
  get backendName(): string {
    return this.backend.name;
  }

  get contextSize(): number {
    return this.session.t.contextSize;
  }

  /** Tokens the KV cache holds now (the last prompt and its answer, less the final token). */
  get cachedTokens(): readonly number[] {
    return this.session.tokens;
  }

  memory(): LlmMemory {
    return this.kernels.memory();
  }

  /** Streams tokens for a prompt (text, tokenized with BOS as the model says, or token ids). */
  generate(prompt: string | readonly number[], opts: GenerateOptions = {}): AsyncGenerator<TokenEvent, GenerationResult> {
    this.alive();
    const ids = typeof prompt === 'string' ? this.tokenizer.encode(prompt, { addSpecial: opts.addSpecial ?? true, parseSpecial: opts.parseSpecial ?? false }) : [...prompt];
    return this.exclusive(() => generateTokens(this.session, this.tokenizer, ids, opts));
  }

  /** The next-token logits after a prompt (soft-capped where the model says so). */
  async nextLogits(prompt: string | readonly number[]): Promise<Float32Array> {
    this.alive();
    const ids = typeof prompt === 'string' ? this.tokenizer.encode(prompt, { addSpecial: true }) : [...prompt];
    const turn = this.reserve();
    await turn.wait;
    try {
      this.alive();
      evalPrompt(this.session, ids, {}, false);
      return await this.session.t.logits();
    } finally {
      turn.done();
    }
  }

  /** Runs a generation to the end. */
  async complete(prompt: string | readonly number[], opts: GenerateOptions = {}): Promise<GenerationResult> {
    const it = this.generate(prompt, opts);
    let s = await it.next();
    while (!s.done) s = await it.next();
    return s.value;
  }

  /** The chat prompt as token ids: the template's text, BOS added unless the template wrote it. */
  chatPrompt(messages: readonly ChatMessage[], opts: ChatOptions = {}): number[] {
    const tok = this.tokenizer;
    const text = tok.applyChatTemplate(messages, { template: opts.chatTemplate ?? this.chatTemplate, addGenerationPrompt: opts.addGenerationPrompt, variables: opts.variables });
    const bosText = tok.bos !== undefined ? tok.tokenText(tok.bos) : undefined;
    const addBos = !(bosText && text.startsWith(bosText));
    return tok.encode(text, { addSpecial: addBos, parseSpecial: true });
  }

  /** Forgets the cached conversation (the next call evaluates its prompt from the start). */
  reset(): void {
    this.session.tokens = [];
  }

  async unload(): Promise<void> {
    if (this.released) return;
    await this.queue.catch(() => undefined);
    this.released = true;
    this.session.t.dispose();
    freeWeights(this.weights, this.kernels);
    if (this.ownsBackend) {
      this.kernels.dispose();
      this.backend.dispose?.();
    }
  }

  private alive(): void {
    if (this.released) throw new KilnError('E_RELEASED', 'this LLM was unloaded');
  }

  /** Takes a place in the queue now; `wait` resolves when the calls before it are done. */
  private reserve(): { wait: Promise<void>; done: () => void } {
    const prev = this.queue;
    let done!: () => void;
    this.queue = new Promise<void>((r) => (done = r));
    return { wait: prev.catch(() => undefined), done };
  }

  /** Runs generations one after another, in the order they were asked for. */
  private exclusive(make: () => AsyncGenerator<TokenEvent, GenerationResult>): AsyncGenerator<TokenEvent, GenerationResult> {
    const turn = this.reserve();
    const alive = () => this.alive();
    return (async function* () {
      await turn.wait;
      try {
        alive();
        return yield* make();
      } finally {
        turn.done();
      }
    })();
  }
}
