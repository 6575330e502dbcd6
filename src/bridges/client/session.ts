/**
 * A session whose backends list may hold remote specs, with whole-model offload and fallback — what the
 * engine will do itself once it has the `runGraph` hook and drops backends whose prepare() reports
 * E_BACKEND_UNAVAILABLE (see the patches in the bridges README section). Until then this wraps the
 * engine's InferenceSession in the calling thread:
 *
 *   const s = await BridgeSession.create('model.onnx', { backends: [{ url, token, model: 'add' }, 'reference'] });
 *   const { sum } = await s.run({ x, y });
 *   s.assignments   // every node on 'remote:…', or on 'reference' with the remote's reason in `declined`
 *
 * - Whole model remote: when the plan puts every node on one remote backend, run() sends the graph's
 *   inputs in one request.
 * - Host unreachable (or the model missing, or not matching) at creation: that backend is dropped and
 *   the next one plans the graph; `fallbacks` and each assignment's `declined` say why.
 * - Host lost mid-run (E_DEVICE_LOST): dropped likewise and the run is retried once on the rest.
 */
import type { RuntimeValue } from '../../engine/backend.js';
import { KilnError } from '../../engine/errors.js';
import type { Model } from '../../engine/ir/graph.js';
import type { Assignment } from '../../engine/planner.js';
import { pickFormat } from '../../engine/registry.js';
import { InferenceSession, type Feeds, type SessionOptions, type ValueMetadata } from '../../engine/session.js';
import { resolveSource, type ModelSource, type ResolvedSource } from '../../engine/source.js';
import { Tensor } from '../../engine/tensor.js';
import type { RemoteBackend, RemoteSpec } from './backend.js';
import { remoteBackend, remoteBackendNamed } from './register.js';

export type BackendEntry = string | RemoteSpec;

export interface BridgeSessionOptions extends Omit<SessionOptions, 'backends'> {
  /** Backend names or remote specs, in order of preference. Default: ['reference']. */
  backends?: readonly BackendEntry[];
}

export interface BridgeRunOptions {
  readonly signal?: AbortSignal;
}

export interface Fallback {
  readonly backend: string;
  readonly reason: string;
}

export class BridgeSession {
  /** Backends this wrapper dropped (the engine keeps its own list: see `fallbacks`). */
  private readonly dropped: Fallback[] = [];

  private constructor(
    private engine: InferenceSession,
    private backends: readonly string[],
    private readonly src: ResolvedSource,
    private readonly options: BridgeSessionOptions,
  ) {}

  static async create(source: ModelSource, options: BridgeSessionOptions = {}): Promise<BridgeSession> {
    const src = await resolveSource(source, options.onProgress);
    // A spec without a model name uploads the session's own model file.
    const names = (options.backends ?? ['reference']).map((e) => (typeof e === 'string' ? e : remoteBackend(e.model || e.upload ? e : { ...e, upload: src.bytes })));
    const s = new BridgeSession(undefined as unknown as InferenceSession, names, src, options);
    s.engine = await s.plan();
    return s;
  }

  /** Creates the engine session on the current backends, dropping each that reports itself unavailable. */
  private async plan(): Promise<InferenceSession> {
    for (;;) {
      try {
        return await InferenceSession.fromModel(await this.loadModel(), { ...this.options, backends: this.backends });
      } catch (e) {
        if (!this.drop(e, 'E_BACKEND_UNAVAILABLE')) throw e;
      }
    }
  }

  /** Drops the backend an error names when it is one of ours and others remain; false otherwise. */
  private drop(e: unknown, code: 'E_BACKEND_UNAVAILABLE' | 'E_DEVICE_LOST'): boolean {
    if (!(e instanceof KilnError) || e.code !== code) return false;
    const name = String(e.details.backend ?? '');
    if (!remoteBackendNamed(name) || !this.backends.includes(name) || this.backends.length < 2) return false;
    this.backends = this.backends.filter((b) => b !== name);
    this.dropped.push({ backend: name, reason: e.message.replace(/^\[[A-Z_]+\] /, '') });
    return true;
  }

  private async loadModel(): Promise<Model> {
    const { src, options } = this;
    const ext = options.externalData;
    const externalData = typeof ext === 'function' ? ext
      : ext ? (loc: string) => {
        const b = ext[loc];
        if (!b) throw new KilnError('E_EXTERNAL_DATA', `external data '${loc}' is not in options.externalData`);
        return b;
      }
      : src.sibling;
    return pickFormat(src.bytes, src.name, options.format).load(src.bytes, { externalData, signature: options.signature });
  }

  /** The remote backend that runs every node, if the plan is whole-model offload. */
  get remote(): RemoteBackend | undefined {
    const used = Object.keys(this.engine.backendSummary);
    return used.length === 1 ? remoteBackendNamed(used[0]!) : undefined;
  }

  get model(): Model { return this.engine.model; }
  get inputNames(): readonly string[] { return this.engine.inputNames; }
  get outputNames(): readonly string[] { return this.engine.outputNames; }
  get inputMetadata(): readonly ValueMetadata[] { return this.engine.inputMetadata; }
  get outputMetadata(): readonly ValueMetadata[] { return this.engine.outputMetadata; }
  get backendSummary(): Readonly<Record<string, number>> { return this.engine.backendSummary; }

  /** Backends dropped (host unavailable at creation, lost mid-run, a device lost), and why. */
  get fallbacks(): readonly Fallback[] {
    return [...this.dropped, ...this.engine.fallbacks];
  }

  /** Per node: where it runs, and why each backend before it declined (dropped backends included). */
  get assignments(): readonly Assignment[] {
    if (!this.dropped.length) return this.engine.assignments;
    const dropped = Object.fromEntries(this.dropped.map((f) => [f.backend, f.reason]));
    return this.engine.assignments.map((a) => ({ ...a, declined: { ...dropped, ...a.declined } }));
  }

  async run(feeds: Feeds, fetches?: readonly string[], options?: BridgeRunOptions): Promise<Record<string, Tensor>> {
    return (await this.runValues(feeds, fetches, options)) as Record<string, Tensor>;
  }

  async runValues(feeds: Feeds, fetches?: readonly string[], options: BridgeRunOptions = {}): Promise<Record<string, RuntimeValue>> {
    const remote = this.remote;
    if (!remote) return this.engine.runValues(feeds, fetches, { signal: options.signal });
    const checked = this.checkFeeds(feeds, fetches);
    try {
      return Object.fromEntries(await remote.runGraph(this.engine.model.graph, checked, { signal: options.signal, fetches }));
    } catch (e) {
      if (!this.drop(e, 'E_DEVICE_LOST')) throw e;
      await this.engine.release();
      this.engine = await this.plan();
      return this.runValues(feeds, fetches, options);
    }
  }

  /** The engine checks feeds itself on local runs; whole-model remote runs get the same checks here. */
  private checkFeeds(feeds: Feeds, fetches?: readonly string[]): Map<string, RuntimeValue> {
    if (feeds === null || typeof feeds !== 'object') throw new KilnError('E_INPUT_INVALID', 'feeds must be an object of name → Tensor');
    for (const f of fetches ?? []) {
      if (!this.outputNames.includes(f)) throw new KilnError('E_INPUT_INVALID', `'${f}' is not an output of this model; outputs: ${this.outputNames.join(', ')}`);
    }
    const declared = new Map(this.engine.model.graph.inputs.map((i) => [i.name, i.type]));
    const out = new Map<string, RuntimeValue>();
    for (const [name, v] of Object.entries(feeds)) {
      if (!declared.has(name)) throw new KilnError('E_INPUT_INVALID', `'${name}' is not an input of this model; inputs: ${this.inputNames.join(', ')}`, { tensor: name });
      const t = declared.get(name);
      if (v instanceof Tensor && t?.kind === 'tensor' && v.type !== t.dtype) throw new KilnError('E_INPUT_INVALID', `input '${name}' must be ${t.dtype}, got ${v.type}`, { tensor: name });
      out.set(name, v as RuntimeValue);
    }
    const missing = this.inputNames.filter((n) => !out.has(n));
    if (missing.length) throw new KilnError('E_INPUT_INVALID', `missing input(s): ${missing.join(', ')}`, { tensor: missing[0] });
    return out;
  }

  async release(): Promise<void> {
    await this.engine.release();
  }
}
