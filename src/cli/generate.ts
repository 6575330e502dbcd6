/**
 * `kiln generate model.gguf -p "text" [-n 64] [--temp 0] [--backend wasm|webgpu|reference]`
 *
 * Streams the generated text to stdout, then ends with one JSON line:
 *   {"tokens":[ids],"prefill_tok_s":…,"decode_tok_s":…,"peak_bytes":…,…}
 * peak_bytes is the most the backend held at once (weights + KV cache + scratch); rss_peak_bytes is the
 * process's peak resident memory. Other options: --ctx N, --seed N, --top-k, --top-p, --min-p,
 * --repeat-penalty, --kv f32|f16, --batch N, --stop S (repeatable), --json-schema file.json, --chat
 * (wrap the prompt as one user message in the model's chat template), --ignore-eos, --no-bos.
 */
import { readFile } from 'node:fs/promises';
import { KilnError } from '../engine/errors.js';
import '../register.js';
import { LLM, type GenerateOptions, type GenerationResult, type TokenEvent } from '../llm/index.js';

export const GENERATE_USAGE = 'kiln generate <model.gguf> -p "prompt" [-n 64] [--temp 0] [--backend wasm|webgpu|reference] [--ctx N] [--seed N] [--chat] [--json-schema f.json]';

interface GenerateArgs {
  model: string;
  prompt: string;
  backends: string[];
  ctx?: number;
  kv?: 'f32' | 'f16';
  batch?: number;
  chat: boolean;
  schema?: string;
  gen: GenerateOptions;
}

function parseArgs(argv: readonly string[]): GenerateArgs {
  const bad = (msg: string): never => { throw new KilnError('E_INPUT_INVALID', `generate: ${msg}\nusage: ${GENERATE_USAGE}`); };
  const gen: GenerateOptions = { maxTokens: 64, stop: [] };
  const a: Partial<GenerateArgs> & { backends: string[]; chat: boolean } = { backends: ['webgpu', 'wasm', 'reference'], chat: false };
  const positional: string[] = [];
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n)) bad(`${flag} needs a number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const v = argv[i + 1];
    const take = () => (i++, v);
    switch (f) {
      case '-p': case '--prompt': if (v === undefined) bad(`${f} needs text`); a.prompt = take(); break;
      case '-n': case '--n-predict': gen.maxTokens = num(f, take()); break;
      case '--temp': gen.temperature = num(f, take()); break;
      case '--seed': gen.seed = num(f, take()); break;
      case '--top-k': gen.topK = num(f, take()); break;
      case '--top-p': gen.topP = num(f, take()); break;
      case '--min-p': gen.minP = num(f, take()); break;
      case '--repeat-penalty': gen.repetitionPenalty = num(f, take()); break;
      case '--ctx': case '-c': a.ctx = num(f, take()); break;
      case '--batch': case '-b': a.batch = num(f, take()); break;
      case '--kv': if (v !== 'f32' && v !== 'f16') bad('--kv takes f32 or f16'); a.kv = take() as 'f32' | 'f16'; break;
      case '--stop': if (v === undefined) bad('--stop needs text'); (gen.stop as string[]).push(take()!); break;
      case '--backend': if (!v) bad('--backend needs a name'); a.backends = take()!.split(','); break;
      case '--json-schema': if (!v) bad('--json-schema needs a file'); a.schema = take(); break;
      case '--chat': a.chat = true; break;
      case '--ignore-eos': gen.ignoreEos = true; break;
      case '--no-bos': gen.addSpecial = false; break;
      default:
        if (f.startsWith('-')) bad(`unknown option '${f}'`);
        positional.push(f);
    }
  }
  if (positional.length === 0) bad('missing <model.gguf>');
  if (positional.length > 1) bad(`unexpected argument '${positional[1]}' (quote the prompt and pass it with -p)`);
  return { ...a, model: positional[0]!, prompt: a.prompt ?? '', gen } as GenerateArgs;
}

export interface GenerateReport {
  tokens: number[];
  prefill_tok_s: number;
  decode_tok_s: number;
  peak_bytes: number;
  rss_peak_bytes: number;
  prompt_tokens: number;
  finish_reason: string;
  backend: string;
  context: number;
}

/** Runs the command; `write` gets the streamed text, then the JSON line. Returns the report. */
export async function generateCommand(argv: readonly string[], write: (s: string) => void = (s) => void process.stdout.write(s)): Promise<GenerateReport> {
  const a = parseArgs(argv);
  if (a.schema !== undefined) {
    let schema: unknown;
    try {
      schema = JSON.parse(await readFile(a.schema, 'utf8'));
    } catch (e) {
      throw new KilnError('E_INPUT_INVALID', `generate: cannot read the JSON schema '${a.schema}': ${(e as Error).message}`);
    }
    a.gen.responseFormat = { type: 'json_schema', schema: schema as Record<string, unknown> };
  }
  const llm = await LLM.load(a.model, { backends: a.backends, contextSize: a.ctx, kvType: a.kv, batchSize: a.batch });
  try {
    const it: AsyncGenerator<TokenEvent, GenerationResult> = a.chat ? llm.chat([{ role: 'user', content: a.prompt }], a.gen) : llm.generate(a.prompt, a.gen);
    let step = await it.next();
    while (!step.done) {
      if (step.value.text) write(step.value.text);
      step = await it.next();
    }
    const r = step.value;
    const report: GenerateReport = {
      tokens: r.tokens,
      prefill_tok_s: round(r.prefillTokS),
      decode_tok_s: round(r.decodeTokS),
      peak_bytes: llm.memory().peak,
      rss_peak_bytes: process.resourceUsage().maxRSS * 1024,
      prompt_tokens: r.promptTokens,
      finish_reason: r.finishReason,
      backend: llm.backendName,
      context: llm.contextSize,
    };
    write('\n' + JSON.stringify(report) + '\n');
    return report;
  } finally {
    await llm.unload();
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;
