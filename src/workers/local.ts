/**
 * A session in the thread that created it: the engine's InferenceSession plus what this layer adds
 * (cache-aware loading, one run at a time). The worker hosts one of
 * these; `worker: false` gives one to the caller directly.
 */
import type { RuntimeValue } from '../engine/backend.js';
import { KilnError } from '../engine/errors.js';
import type { Model } from '../engine/ir/graph.js';
import type { Feeds, InferenceSession as EngineSession, SessionProfile } from '../engine/session.js';
import type { ModelSource } from '../engine/source.js';
import { Tensor } from '../engine/tensor.js';
import { loadSession, type LoadInfo, type LoadOptions } from './loader.js';
import type { SessionInfo } from './protocol.js';

export interface LocalRun {
  readonly fetches?: readonly string[];
  /** Handed to the engine, which checks it before every node. */
  readonly signal?: AbortSignal;
  /** Checked before every node too, without yielding: a flag the page sets in shared memory. */
  readonly aborted?: () => boolean;
  readonly preferredOutputLocation?: 'cpu' | 'gpu-buffer';
}

export class LocalSession {
  private queue: Promise<unknown> = Promise.resolve();
  private released = false;
  /** Buffers of the model's weights: outputs that alias them are copied, never moved, across threads. */
  private pinnedBuffers: Set<ArrayBufferLike> | undefined;

  private constructor(readonly engine: EngineSession, readonly loadInfo: LoadInfo) {}

  static async create(source: ModelSource, opts: LoadOptions, worker: boolean): Promise<LocalSession> {
    const { session, loadInfo } = await loadSession(source, opts, worker);
    return new LocalSession(session, loadInfo);
  }

  static fromEngine(session: EngineSession): LocalSession {
    return new LocalSession(session, { bytes: 0, source: 'bytes', refetched: false, loadMs: 0, compileMs: 0, worker: false });
  }

  get model(): Model {
    return this.engine.model;
  }

  get info(): SessionInfo {
    const e = this.engine;
    return {
      inputNames: e.inputNames, outputNames: e.outputNames, inputMetadata: e.inputMetadata, outputMetadata: e.outputMetadata,
      assignments: e.assignments, backendSummary: e.backendSummary, fallbacks: [...e.fallbacks], loadInfo: this.loadInfo,
    };
  }

  /** Runs after every earlier run has finished: backends need not be re-entrant. */
  run(feeds: Feeds, r: LocalRun): Promise<Record<string, RuntimeValue>> {
    const job = this.queue.then(() => {
      if (this.released) throw new KilnError('E_RELEASED', 'this session was released');
      return this.engine.runValues(feeds, r.fetches, { signal: r.signal, isAborted: r.aborted, preferredOutputLocation: r.preferredOutputLocation });
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** The engine's profile of the last run (needs `enableProfiling: true`). */
  profile(): SessionProfile {
    return this.engine.profile();
  }

  pinned(): ReadonlySet<ArrayBufferLike> {
    if (!this.pinnedBuffers) {
      const pins = (this.pinnedBuffers = new Set());
      const pin = (t: Tensor) => {
        if (t.location === 'cpu' && !Array.isArray(t.data)) pins.add(t.data.buffer);
      };
      const visit = (g: Model['graph']) => {
        for (const t of g.initializers.values()) pin(t);
        for (const n of g.nodes) {
          for (const a of n.attrs.values()) if (a.type === 'tensor' && a.value instanceof Tensor) pin(a.value);
          for (const sub of n.subgraphs()) visit(sub);
        }
      };
      visit(this.engine.model.graph);
    }
    return this.pinnedBuffers;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.queue;
    await this.engine.release();
  }
}
