/**
 * The public InferenceSession: the engine's API, worker first. In a page's main thread the session lives
 * in a dedicated Web Worker and this object is its proxy; `worker: false` (and Node, and code already in
 * a worker) keeps it in the calling thread. Both answer the same methods:
 *
 *   const s = await InferenceSession.create('model.onnx', { onProgress: (p) => bar(p.loaded / p.total) });
 *   const { output } = await s.run({ input }, { signal: AbortSignal.timeout(5000) });
 *
 * Errors keep their class and code across the worker boundary (KilnError, `e.code`).
 */
import type { RuntimeValue } from '../engine/backend.js';
import { KilnError } from '../engine/errors.js';
import type { Model } from '../engine/ir/graph.js';
import type { Assignment } from '../engine/planner.js';
import { InferenceSession as EngineSession, type Feeds, type SessionOptions as EngineOptions, type SessionProfile, type ValueMetadata } from '../engine/session.js';
import type { ModelSource } from '../engine/source.js';
import type { Tensor } from '../engine/tensor.js';
import { abortedError, type CacheOptions } from '../cache/index.js';
import type { WorkerSpec } from './assets.js';
import { FEATURES } from './env.js';
import { localImpl, type SessionImpl } from './impl.js';
import type { LoadInfo, LoadProgressEvent } from './loader.js';
import { LocalSession } from './local.js';
import { createInWorker } from './proxy.js';

export interface SessionOptions extends Omit<EngineOptions, 'onProgress'> {
  /**
   * Where the session runs. Default: a dedicated worker in a page's main thread, this thread elsewhere.
   * `false`: this thread. A URL or a factory: that worker (it must run Kiln's worker entry).
   */
  worker?: boolean | WorkerSpec;
  /** Folder of kiln.worker.js and the .wasm files. Default: the folder of the script that loaded Kiln. */
  assetBase?: string | URL;
  /** Keep http(s) models in IndexedDB, checked by sha-256 on every read. Default true where possible. */
  cache?: boolean | CacheOptions;
  /** Download / cache-read progress: bytes so far, total when known, and where they come from. */
  onProgress?: (p: LoadProgressEvent) => void;
  /** Aborts loading (download, cache read, worker start). */
  signal?: AbortSignal;
}

export interface RunOptions {
  /** Stops the run at the next node boundary; the promise rejects with KilnError E_ABORTED at once. */
  signal?: AbortSignal;
  /** Send copies of the inputs to the worker instead of moving their buffers (which empties them here). */
  keepInputs?: boolean;
  /** 'gpu-buffer' leaves device outputs on the device (sessions in this thread only). */
  preferredOutputLocation?: 'cpu' | 'gpu-buffer';
}

export class InferenceSession {
  private constructor(private readonly impl: SessionImpl) {}

  /** Loads a model from a URL, bytes, a File/Blob or (in Node) a path, in a worker by default. */
  static async create(source: ModelSource, options: SessionOptions = {}): Promise<InferenceSession> {
    const { worker, assetBase, cache, onProgress, signal, externalData, ...engine } = options;
    const useWorker = worker === undefined ? FEATURES.browserMainThread && FEATURES.worker : worker !== false;
    if (!useWorker) {
      const local = await LocalSession.create(source, { ...engine, externalData, cache, onProgress, signal }, false);
      return new InferenceSession(localImpl(local));
    }
    if (!FEATURES.worker) throw new KilnError('E_BACKEND_UNAVAILABLE', 'Web Workers are not available here; pass { worker: false }');
    if (engine.preferredOutputLocation === 'gpu-buffer') {
      throw new KilnError('E_INPUT_INVALID', "GPU-resident outputs cannot leave a worker: pass { worker: false } with preferredOutputLocation: 'gpu-buffer'");
    }
    const impl = await createInWorker(source, {
      backends: engine.backends, format: engine.format, signature: engine.signature, graphOptimizationLevel: engine.graphOptimizationLevel,
      enableProfiling: engine.enableProfiling, cache, signal, onProgress, assetBase,
      worker: worker === true || worker === false ? undefined : worker,
      externalData: typeof externalData === 'function' ? undefined : externalData,
      externalDataFn: typeof externalData === 'function' ? externalData : undefined,
    });
    return new InferenceSession(impl);
  }

  /** Builds a session in this thread from a model already in memory (any format reader's output). */
  static async fromModel(model: Model, options: EngineOptions = {}): Promise<InferenceSession> {
    return new InferenceSession(localImpl(LocalSession.fromEngine(await EngineSession.fromModel(model, options))));
  }

  /** True when the session lives in a worker. */
  get inWorker(): boolean {
    return this.impl.inWorker;
  }

  /** The graph. Only sessions in this thread have it here; a worker keeps its graph to itself. */
  get model(): Model {
    const m = this.impl.model;
    if (!m) throw new KilnError('E_INPUT_INVALID', 'session.model is not available for a session in a worker: use inputMetadata/assignments, or create it with { worker: false }');
    return m;
  }

  get inputNames(): readonly string[] {
    return this.impl.info.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.impl.info.outputNames;
  }

  get inputMetadata(): readonly ValueMetadata[] {
    return this.impl.info.inputMetadata;
  }

  get outputMetadata(): readonly ValueMetadata[] {
    return this.impl.info.outputMetadata;
  }

  /** Per node: the backend that runs it and why earlier backends declined. */
  get assignments(): readonly Assignment[] {
    return this.impl.info.assignments;
  }

  /** Backend name → number of nodes it runs. */
  get backendSummary(): Readonly<Record<string, number>> {
    return this.impl.info.backendSummary;
  }

  /** Backends dropped after their device was lost, and why (placement was redone without them). */
  get fallbacks(): readonly { readonly backend: string; readonly reason: string }[] {
    return this.impl.info.fallbacks;
  }

  /** Where the bytes came from and how long loading and compiling took. */
  get loadInfo(): LoadInfo {
    return this.impl.info.loadInfo;
  }

  /**
   * Runs the model; outputs keyed by name (all by default). Shaped like onnxruntime-web's:
   * `run(feeds)`, `run(feeds, fetches)`, `run(feeds, options)`, `run(feeds, fetches, options)`.
   */
  async run(feeds: Feeds, fetchesOrOptions?: readonly string[] | RunOptions, options?: RunOptions): Promise<Record<string, Tensor>> {
    return (await this.runValues(feeds, fetchesOrOptions, options)) as Record<string, Tensor>;
  }

  /** Like run(), for models with sequence or optional outputs. */
  runValues(feeds: Feeds, fetchesOrOptions?: readonly string[] | RunOptions, options?: RunOptions): Promise<Record<string, RuntimeValue>> {
    const fetches = Array.isArray(fetchesOrOptions) ? (fetchesOrOptions as readonly string[]) : undefined;
    const o: RunOptions = (Array.isArray(fetchesOrOptions) ? options : ((fetchesOrOptions as RunOptions | undefined) ?? options)) ?? {};
    const signal = o.signal;
    if (signal?.aborted) return Promise.reject(abortedError('run()', signal.reason));
    const work = this.impl.run(feeds, { fetches, signal, keepInputs: o.keepInputs ?? false, preferredOutputLocation: o.preferredOutputLocation });
    if (!signal) return work;
    // Reject as soon as the signal fires; the session itself stops at its next node boundary.
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(abortedError('run()', signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Per-node and per-op-type times of the last run (needs `enableProfiling: true`), as the engine reports them. */
  profile(): Promise<SessionProfile> {
    return this.impl.profile();
  }

  /** Frees the session (and ends its worker). */
  release(): Promise<void> {
    return this.impl.release();
  }
}
