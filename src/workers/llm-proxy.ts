/**
 * An LLM in a Web Worker, driven from the page with the same shapes as `LLM` (kiln/llm):
 *
 *   const w = await LLMWorker.start({ worker: () => new Worker(new URL('kiln/llm-worker', import.meta.url), { type: 'module' }) });
 *   await w.load('model.gguf', { backends: ['webgpu', 'wasm'], onProgress });
 *   for await (const t of w.chat(messages, { temperature: 0.7, signal })) out += t.text;
 *   const r = await w.models.download(url, { onProgress });   // kept in OPFS, resumable; then w.load({ stored: r.id })
 *
 * Nothing heavy runs in the page: tokens are computed in the worker and posted one by one. Errors keep
 * their class and code (KilnError). Aborting a generation (its signal) stops it after the token being
 * computed; it then ends normally with finishReason 'abort' and the tokens so far.
 */
import * as Comlink from 'comlink';
import { KilnError } from '../engine/errors.js';
import type { ChatMessage, LlmPlan } from '../llm/index.js';
import { abortedError, absolute } from '../cache/index.js';
import { assetBase, spawnWorker, type WorkerSpec } from './assets.js';
import { FEATURES, type Features } from './env.js';
import {
  FLAG_STOP, FLAG_TOKENS, type GenerateEvent, type LlmGenerateRequest, type LlmGenerationResult, type LlmLoadOptions, type LlmLoadProgress,
  type LlmModelInfo, type LlmPlanOptions, type LlmWireGenerateOptions, type LlmWireSource, type LlmWorkerApi, type StoredModel,
  type StoreDownloadOptions, type StoreProgress,
} from './llm-protocol.js';
import { fromWireError, unwrap } from './protocol.js';

export const LLM_WORKER_FILE = 'kiln-llm.worker.js';

export interface LlmWorkerStartOptions {
  /** The worker: a script URL or a factory. Default: kiln-llm.worker.js next to Kiln's script (or `assetBase`). */
  readonly worker?: WorkerSpec;
  readonly assetBase?: string | URL;
}

/** A model: a URL, bytes, a File/Blob, or `{ stored: id }` for one in the worker's model store. */
export type LlmWorkerSource = string | URL | Blob | Uint8Array | ArrayBuffer | { readonly stored: string };

export interface LlmWorkerGenerateOptions extends LlmWireGenerateOptions {
  readonly signal?: AbortSignal;
  /** A device was lost mid-answer and the worker carried on on another backend. */
  readonly onFallback?: (f: { from: string; to: string; reason: string }) => void;
}

export interface LlmWorkerTokenEvent {
  readonly id: number;
  readonly text: string;
  /** Tokens produced so far in this generation. */
  readonly n: number;
}

export interface LlmWorkerResult extends LlmGenerationResult {
  /** For a stopped generation: tokens the worker had produced when the stop was asked for. */
  readonly tokensAtStop?: number;
}

let nextOp = 1;

export class LLMWorker {
  /** The loaded model (undefined before load and after unload); `backend` follows fallbacks. */
  info: LlmModelInfo | undefined;
  private terminated = false;

  private constructor(
    private readonly worker: Worker,
    private readonly api: Comlink.Remote<LlmWorkerApi>,
    private readonly died: Promise<never>,
    /** Backends registered in the worker. */
    readonly backends: readonly string[],
    readonly features: Features,
    /** Whether the worker can keep models (OPFS). */
    readonly canStore: boolean,
  ) {}

  static async start(opts: LlmWorkerStartOptions = {}): Promise<LLMWorker> {
    const base = assetBase(opts.assetBase);
    const spec = opts.worker ?? (base !== undefined ? new URL(LLM_WORKER_FILE, base).href : undefined);
    if (spec === undefined) throw new KilnError('E_BACKEND_UNAVAILABLE', `cannot tell where ${LLM_WORKER_FILE} is: pass { worker } or { assetBase }`);
    const { worker, url } = spawnWorker(spec, base);
    const api = Comlink.wrap<LlmWorkerApi>(worker);
    let fail!: (e: Error) => void;
    const died = new Promise<never>((_, reject) => (fail = reject));
    died.catch(() => undefined);
    worker.addEventListener('error', (ev) => {
      fail(new KilnError('E_IO', `the Kiln LLM worker (${url}) failed: ${(ev as ErrorEvent).message || 'it did not load'}`, { worker: url }));
    });
    try {
      const hello = unwrap(await Promise.race([api.hello(), died]));
      return new LLMWorker(worker, api, died, hello.backends, hello.features, hello.store);
    } catch (e) {
      worker.terminate();
      throw e;
    }
  }

  /** LLM.plan in the worker: reads the header only (range requests for a URL). */
  async plan(source: LlmWorkerSource, opts: LlmPlanOptions = {}): Promise<LlmPlan> {
    return unwrap(await this.call(this.api.plan(wire(source), opts)));
  }

  /** Loads a model (replacing the one loaded). Stored models are checked against their sha-256 first. */
  async load(source: LlmWorkerSource, opts: LlmLoadOptions & { onProgress?: (p: LlmLoadProgress) => void; signal?: AbortSignal } = {}): Promise<LlmModelInfo> {
    const { onProgress, signal, ...rest } = opts;
    const op = nextOp++;
    const stop = this.abortOn(signal, op, 'loading the model');
    try {
      this.info = undefined;
      const info = unwrap(await this.call(this.api.load(wire(source), rest, op, onProgress && Comlink.proxy(onProgress)), stop.aborted));
      this.info = info;
      return info;
    } finally {
      stop.done();
    }
  }

  /** Streams the completion of a text prompt (BOS added as the model says) or of token ids. */
  generate(prompt: string | readonly number[], opts: LlmWorkerGenerateOptions = {}): AsyncGenerator<LlmWorkerTokenEvent, LlmWorkerResult> {
    return this.stream((id, flag, options) => ({ id, kind: 'text', prompt, options, flag }), opts);
  }

  /** Streams the assistant's answer to a conversation, formatted with the model's chat template. */
  chat(messages: readonly ChatMessage[], opts: LlmWorkerGenerateOptions = {}): AsyncGenerator<LlmWorkerTokenEvent, LlmWorkerResult> {
    return this.stream((id, flag, options) => ({ id, kind: 'chat', messages, options, flag }), opts);
  }

  async countTokens(input: string | readonly ChatMessage[]): Promise<number> {
    return unwrap(await this.call(this.api.countTokens(input)));
  }

  async unload(): Promise<void> {
    this.info = undefined;
    unwrap(await this.call(this.api.unload()));
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }

  /** The worker's model store (OPFS): downloads that resume after a reload, sha-256 per chunk. */
  readonly models = {
    list: async (): Promise<StoredModel[]> => unwrap(await this.call(this.api.storeList())),
    download: async (source: string | URL | File, opts: StoreDownloadOptions & { onProgress?: (p: StoreProgress) => void; signal?: AbortSignal } = {}): Promise<StoredModel> => {
      const { onProgress, signal, ...rest } = opts;
      const op = nextOp++;
      const stop = this.abortOn(signal, op, 'storing the model');
      const src = typeof source === 'string' || source instanceof URL ? { kind: 'url' as const, url: absolute(source) } : { kind: 'blob' as const, blob: source, name: source.name };
      try {
        return unwrap(await this.call(this.api.storeDownload(src, rest, op, onProgress && Comlink.proxy(onProgress)), stop.aborted));
      } finally {
        stop.done();
      }
    },
    verify: async (id: string): Promise<StoredModel> => unwrap(await this.call(this.api.storeVerify(id))),
    delete: async (id: string): Promise<boolean> => unwrap(await this.call(this.api.storeDelete(id))),
  };

  /** Comlink answers a union of promises for a union type: Awaited<P> turns it back into one Result. */
  private call<P extends Promise<unknown>>(p: P, also?: Promise<never>): Promise<Awaited<P>> {
    if (this.terminated) return Promise.reject(new KilnError('E_RELEASED', 'this LLM worker was terminated'));
    return Promise.race(also ? [p, this.died, also] : [p, this.died]) as Promise<Awaited<P>>;
  }

  /** Forwards an AbortSignal to operation `op`; `aborted` rejects when it fires. */
  private abortOn(signal: AbortSignal | undefined, op: number, what: string): { aborted: Promise<never>; done: () => void } {
    let reject!: (e: Error) => void;
    const aborted = new Promise<never>((_, r) => (reject = r));
    aborted.catch(() => undefined);
    const onAbort = () => {
      void this.api.abort(op);
      reject(abortedError(what));
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    return { aborted, done: () => signal?.removeEventListener('abort', onAbort) };
  }

  private stream(make: (id: number, flag: Int32Array | undefined, o: LlmWireGenerateOptions) => LlmGenerateRequest, opts: LlmWorkerGenerateOptions): AsyncGenerator<LlmWorkerTokenEvent, LlmWorkerResult> {
    const { signal, onFallback, ...options } = opts;
    const id = nextOp++;
    // The worker reads the flag after every token with no message needed (cross-origin isolated pages).
    const flag = FEATURES.sharedMemory ? new Int32Array(new SharedArrayBuffer(8)) : undefined;
    const ch = new MessageChannel();
    const queue: GenerateEvent[] = [];
    let wake: (() => void) | undefined;
    ch.port1.onmessage = (e: MessageEvent<GenerateEvent>) => {
      queue.push(e.data);
      wake?.();
    };
    let tokensAtStop: number | undefined;
    let finished = false;
    const stop = () => {
      if (finished || tokensAtStop !== undefined) return;
      if (flag) {
        Atomics.store(flag, FLAG_STOP, 1);
        tokensAtStop = Atomics.load(flag, FLAG_TOKENS);
      } else tokensAtStop = -1;
      void this.api.abort(id);
    };
    const request = make(id, flag, options);
    const api = this.api;
    const call = <P extends Promise<unknown>>(p: P) => this.call(p);
    const setInfo = (info: LlmModelInfo) => void (this.info = info);
    return (async function* () {
      try {
        if (signal?.aborted) throw abortedError('generation');
        signal?.addEventListener('abort', stop, { once: true });
        unwrap(await call(api.generate(request, Comlink.transfer(ch.port2, [ch.port2]))));
        for (;;) {
          while (queue.length === 0) await call(new Promise<void>((r) => (wake = r)));
          const ev = queue.shift()!;
          if (ev.t === 'token') yield { id: ev.id, text: ev.text, n: ev.n };
          else if (ev.t === 'fallback') {
            setInfo(ev.info);
            onFallback?.({ from: ev.from, to: ev.to, reason: ev.reason });
          } else if (ev.t === 'done') {
            finished = true;
            return tokensAtStop !== undefined && tokensAtStop >= 0 ? { ...ev.result, tokensAtStop } : ev.result;
          } else {
            finished = true;
            throw fromWireError(ev.error);
          }
        }
      } finally {
        // A consumer that breaks out of the loop stops the generation too.
        if (!finished) stop();
        signal?.removeEventListener('abort', stop);
        ch.port1.close();
      }
    })();
  }
}

function wire(s: LlmWorkerSource): LlmWireSource {
  if (typeof s === 'string' || s instanceof URL) return { kind: 'url', url: absolute(s) };
  if (s instanceof ArrayBuffer) return { kind: 'bytes', bytes: new Uint8Array(s) };
  if (s instanceof Uint8Array) return { kind: 'bytes', bytes: s };
  if (typeof Blob !== 'undefined' && s instanceof Blob) return { kind: 'blob', blob: s };
  if (typeof (s as { stored?: unknown }).stored === 'string') return { kind: 'stored', id: (s as { stored: string }).stored };
  throw new KilnError('E_INPUT_INVALID', 'a model source is a URL, bytes, a File/Blob or { stored: id }');
}
