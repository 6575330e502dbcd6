/**
 * InferenceSession: load → optimise → plan → run. Shaped like onnxruntime-web's, so its users feel at home:
 *
 *   const s = await InferenceSession.create('model.onnx', { backends: ['reference'] });
 *   const { output } = await s.run({ input: new Tensor('float32', data, [1, 3, 224, 224]) });
 */
import type { Backend, RuntimeValue } from './backend.js';
import { KilnError } from './errors.js';
import { Executor, type NodeProfile } from './executor.js';
import type { DType } from './ir/dtype.js';
import type { Graph, Model } from './ir/graph.js';
import { formatType, type Dim, type ValueType } from './ir/types.js';
import { foldConstants } from './passes/constant-folding.js';
import { eliminateDeadCode } from './passes/dce.js';
import { fuseGraph } from './passes/fusion.js';
import { inferShapes } from './passes/shape-inference.js';
import { validateGraph } from './passes/validate.js';
import { planGraph, type Assignment, type Plan } from './planner.js';
import { createBackend, pickFormat, registeredBackends, type BackendSpec } from './registry.js';
import { resolveSource, type LoadProgress, type ModelSource } from './source.js';
import { Tensor } from './tensor.js';

export interface SessionOptions {
  /**
   * Backends in order of preference; each node goes to the first that can run it. Default: ['reference'].
   * An entry is a registered name or a spec with options: `{ name: 'remote', url, token, model }`. A
   * backend whose prepare() reports E_BACKEND_UNAVAILABLE (a host that does not answer) is dropped and the
   * graph planned on the rest; `fallbacks` and each assignment's `declined` say why.
   */
  backends?: readonly (string | BackendSpec)[];
  /** Force a format instead of guessing from the name or bytes. */
  format?: 'onnx' | 'tflite' | 'gguf';
  /** TFLite: the signature key to run (default: the model's first signature). */
  signature?: string;
  /** ONNX external data: side files by location, or a function that fetches one. Paths and URLs find them on their own. */
  externalData?: Readonly<Record<string, Uint8Array>> | ((location: string) => Uint8Array | Promise<Uint8Array>);
  /** 'disabled': no graph rewriting; 'basic': constant folding and dead-code elimination; 'all' (default): also fusion. */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'all';
  /** Download/read progress of the model file. */
  onProgress?: (p: LoadProgress) => void;
  /** Record per-node timings of each run, read with session.profile(). */
  enableProfiling?: boolean;
  /** Where outputs of device backends go: 'cpu' (downloaded, the default) or left in 'gpu-buffer'. */
  preferredOutputLocation?: 'cpu' | 'gpu-buffer';
}

export interface RunCallOptions {
  /** Aborts the run between nodes: run() rejects with KilnError('E_ABORTED'). */
  signal?: AbortSignal;
  /** Polled before every node (no yielding): for an abort flag another thread sets in shared memory. */
  isAborted?: () => boolean;
  preferredOutputLocation?: 'cpu' | 'gpu-buffer';
}

export interface SessionProfile {
  readonly totalMs: number;
  readonly nodes: readonly NodeProfile[];
  readonly byOpType: Readonly<Record<string, { count: number; ms: number }>>;
}

export interface ValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  /** Element type for tensors. */
  readonly type?: DType;
  /** Dims: numbers, or names for symbolic dims. Undefined when the rank is unknown. */
  readonly shape?: readonly Dim[];
}

export type Feeds = Readonly<Record<string, Tensor | RuntimeValue>>;

export class InferenceSession {
  private released = false;
  private lastProfile?: { totalMs: number; nodes: NodeProfile[] };

  private constructor(
    readonly model: Model,
    private plan: Plan,
    private backendList: readonly Backend[],
    private executor: Executor,
    private readonly options: SessionOptions,
  ) {}

  /** Loads a model from bytes, a URL, a File/Blob or (in Node) a path. */
  static async create(source: ModelSource, options: SessionOptions = {}): Promise<InferenceSession> {
    const src = await resolveSource(source, options.onProgress);
    const format = pickFormat(src.bytes, src.name, options.format);
    const ext = options.externalData;
    const externalData = typeof ext === 'function' ? ext
      : ext ? (loc: string) => {
        const b = ext[loc];
        if (!b) throw new KilnError('E_EXTERNAL_DATA', `external data '${loc}' is not in options.externalData`);
        return b;
      }
      : src.sibling;
    const model = await format.load(src.bytes, { externalData, signature: options.signature });
    return InferenceSession.fromModel(model, options);
  }

  /** Builds a session from an already-loaded model (any format reader's output). */
  static async fromModel(model: Model, options: SessionOptions = {}): Promise<InferenceSession> {
    const names = options.backends ?? ['reference'];
    if (names.length === 0) throw new KilnError('E_BACKEND_UNAVAILABLE', 'options.backends is empty');
    const backends: Backend[] = [];
    for (const n of names) backends.push(await createBackend(n));
    if (options.enableProfiling) for (const b of backends) b.setProfiling?.(true);
    const g = model.graph;
    validateGraph(g);
    const level = options.graphOptimizationLevel ?? 'all';
    inferShapes(g);
    if (level !== 'disabled') {
      const evaluator = backends.find((b) => b.name === 'reference') ?? (registeredBackends().includes('reference') ? await createBackend('reference') : undefined);
      if (evaluator) await foldConstants(g, evaluator);
      eliminateDeadCode(g);
      if (level === 'all') fuseGraph(g);
      inferShapes(g);
    }
    let live: Backend[] = backends;
    const fallbacks: { backend: string; reason: string }[] = [];
    for (;;) {
      const plan = planGraph(g, live, droppedReasons(fallbacks));
      const failed = await prepareAll(g, plan, live);
      if (!failed) {
        const s = new InferenceSession(model, plan, live, new Executor(plan.graphs), options);
        s.fallbacks.push(...fallbacks);
        return s;
      }
      // A backend that cannot start (a remote host that does not answer) is dropped, and the graph planned
      // again on the rest, when there is a rest.
      const { backend, error } = failed;
      if (!(error instanceof KilnError) || error.code !== 'E_BACKEND_UNAVAILABLE' || live.length < 2) throw error;
      backend.dispose?.();
      live = live.filter((b) => b !== backend);
      fallbacks.push({ backend: backend.name, reason: error.message.replace(/^\[[A-Z_]+\] /, '') });
    }
  }

  private get graph(): Graph {
    return this.model.graph;
  }

  /** Graph inputs a caller feeds (initializers listed as inputs are optional overrides, not included). */
  get inputNames(): readonly string[] {
    return this.graph.inputs.filter((i) => !this.graph.initializers.has(i.name)).map((i) => i.name);
  }

  get outputNames(): readonly string[] {
    return this.graph.outputs.map((o) => o.name);
  }

  get inputMetadata(): readonly ValueMetadata[] {
    return this.inputNames.map((n) => metadata(n, this.graph.valueTypes.get(n) ?? this.graph.inputs.find((i) => i.name === n)?.type));
  }

  get outputMetadata(): readonly ValueMetadata[] {
    return this.outputNames.map((n) => metadata(n, this.graph.valueTypes.get(n) ?? this.graph.outputs.find((o) => o.name === n)?.type));
  }

  /** Per node: the backend that runs it and why earlier backends declined. */
  get assignments(): readonly Assignment[] {
    return this.plan.assignments;
  }

  /** Backend name → number of nodes it runs. */
  get backendSummary(): Readonly<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const a of this.plan.assignments) out[a.backend] = (out[a.backend] ?? 0) + 1;
    return out;
  }

  /** Runs the model. Returns the requested outputs (all by default), keyed by name. */
  async run(feeds: Feeds, fetches?: readonly string[], options?: RunCallOptions): Promise<Record<string, Tensor>> {
    return (await this.runValues(feeds, fetches, options)) as Record<string, Tensor>;
  }

  /** Like run(), for models with sequence or optional outputs (arrays and null come back as they are). */
  async runValues(feeds: Feeds, fetches?: readonly string[], options: RunCallOptions = {}): Promise<Record<string, RuntimeValue>> {
    if (this.released) throw new KilnError('E_RELEASED', 'this session was released');
    const wanted = fetches ?? this.outputNames;
    for (const w of wanted) {
      if (!this.outputNames.includes(w)) throw new KilnError('E_INPUT_INVALID', `'${w}' is not an output of this model; outputs: ${this.outputNames.join(', ')}`);
    }
    const profile: NodeProfile[] | undefined = this.options.enableProfiling ? [] : undefined;
    const t0 = performance.now();
    const checked = this.checkFeeds(feeds);
    const keepOnDevice = (options.preferredOutputLocation ?? this.options.preferredOutputLocation) === 'gpu-buffer';
    // Outputs are read back inside the attempt: a device lost while the run is in flight is often noticed
    // only when its outputs are read.
    const attempt = async (): Promise<Record<string, RuntimeValue>> => {
      // A backend that runs every node and can take the graph whole gets it in one call.
      const whole = wholeGraphBackend(this.plan, this.backendList);
      const scope = whole
        ? await whole.runGraph!(this.graph, checked, { signal: options.signal, fetches: wanted })
        : await this.executor.runGraph(this.graph, checked, { signal: options.signal, isAborted: options.isAborted, profile });
      const out: Record<string, RuntimeValue> = {};
      for (const w of wanted) {
        const v = scope.get(w);
        if (v === undefined) throw new KilnError('E_INTERNAL', `output '${w}' was not produced`);
        out[w] = v instanceof Tensor && v.location !== 'cpu' && !keepOnDevice ? await v.toCpu() : v;
      }
      // Device outputs nobody asked for, or copied to the CPU above, are freed now.
      for (const name of this.outputNames) {
        const v = scope.get(name);
        if (v instanceof Tensor && v.location !== 'cpu' && out[name] !== v) v.dispose();
      }
      return out;
    };
    let out: Record<string, RuntimeValue>;
    try {
      out = await attempt();
    } catch (e) {
      // A backend whose device is gone (GPU reset, tab backgrounded on mobile) is dropped: the graph is
      // planned again on the backends left and the run retried once. session.fallbacks says what happened.
      if (!(e instanceof KilnError) || e.code !== 'E_DEVICE_LOST' || !this.dropBackend(String(e.details.backend ?? ''), e.message)) throw e;
      profile?.splice(0);
      out = await attempt();
    }
    if (profile) {
      // Device timestamps (webgpu): each node's GPU time next to its encode time.
      for (const b of this.backendList) {
        const device = await b.collectProfile?.();
        if (device) for (const n of profile) if (n.backend === b.name && device.has(n.node)) n.gpuMs = device.get(n.node);
      }
      this.lastProfile = { totalMs: performance.now() - t0, nodes: profile };
    }
    return out;
  }

  /**
   * Per-node timings of the last run (needs `enableProfiling: true`): each node's backend and time, and
   * the time per op type.
   */
  profile(): SessionProfile {
    if (!this.lastProfile) throw new KilnError('E_INPUT_INVALID', 'no profile: create the session with { enableProfiling: true } and run it first');
    const byOpType: Record<string, { count: number; ms: number }> = {};
    for (const n of this.lastProfile.nodes) {
      const e = (byOpType[n.opType] ??= { count: 0, ms: 0 });
      e.count++;
      e.ms += n.ms;
    }
    return { ...this.lastProfile, byOpType };
  }

  /** Backends dropped (unavailable at creation, or their device lost), and why. */
  readonly fallbacks: { backend: string; reason: string }[] = [];

  private dropBackend(name: string, reason: string): boolean {
    const rest = this.backendList.filter((b) => b.name !== name);
    if (rest.length === this.backendList.length || rest.length === 0) return false;
    this.executor.dispose();
    this.backendList.find((b) => b.name === name)?.dispose?.();
    this.fallbacks.push({ backend: name, reason });
    this.plan = planGraph(this.graph, rest, droppedReasons(this.fallbacks));
    this.backendList = rest;
    this.executor = new Executor(this.plan.graphs);
    return true;
  }

  private checkFeeds(feeds: Feeds): Map<string, RuntimeValue> {
    if (feeds === null || typeof feeds !== 'object') throw new KilnError('E_INPUT_INVALID', 'feeds must be an object of name → Tensor');
    const allowed = new Set(this.graph.inputs.map((i) => i.name));
    const out = new Map<string, RuntimeValue>();
    const symbols = new Map<string, number>();
    for (const [name, v] of Object.entries(feeds)) {
      if (!allowed.has(name)) throw new KilnError('E_INPUT_INVALID', `'${name}' is not an input of this model; inputs: ${this.inputNames.join(', ')}`, { tensor: name });
      const declared = this.graph.inputs.find((i) => i.name === name)!.type;
      if (v instanceof Tensor && declared?.kind === 'tensor') checkTensorFeed(name, v, declared, symbols);
      out.set(name, v as RuntimeValue);
    }
    const missing = this.inputNames.filter((n) => !out.has(n) && this.graph.inputs.find((i) => i.name === n)?.type?.kind !== 'optional');
    if (missing.length) throw new KilnError('E_INPUT_INVALID', `missing input(s): ${missing.join(', ')}`, { tensor: missing[0] });
    return out;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.executor.dispose();
    for (const b of this.backendList) b.dispose?.();
  }
}

/** Prepares each backend on its nodes; the first failure, with its backend, or undefined. */
async function prepareAll(g: Graph, plan: Plan, backends: readonly Backend[]): Promise<{ backend: Backend; error: unknown } | undefined> {
  for (const b of backends) {
    const mine = [...plan.graphs.values()].flatMap((p) => p.nodes.filter((n) => n.backend === b).map((n) => n.node));
    if (!b.prepare || !mine.length) continue;
    try {
      await b.prepare(g, mine);
    } catch (error) {
      return { backend: b, error };
    }
  }
  return undefined;
}

const droppedReasons = (fallbacks: readonly { backend: string; reason: string }[]): Record<string, string> =>
  Object.fromEntries(fallbacks.map((f) => [f.backend, f.reason]));

/** The backend to hand the whole graph to: one that runs every node and has runGraph. */
function wholeGraphBackend(plan: Plan, backends: readonly Backend[]): Backend | undefined {
  const used = new Set(plan.assignments.map((a) => a.backend));
  if (used.size !== 1) return undefined;
  const b = backends.find((x) => used.has(x.name));
  return b?.runGraph ? b : undefined;
}

function checkTensorFeed(name: string, t: Tensor, declared: Extract<ValueType, { kind: 'tensor' }>, symbols: Map<string, number>): void {
  if (t.type !== declared.dtype) {
    throw new KilnError('E_INPUT_INVALID', `input '${name}' must be ${declared.dtype}, got ${t.type}`, { tensor: name });
  }
  if (!declared.shape) return;
  const bad = () => new KilnError('E_SHAPE_MISMATCH', `input '${name}' must have shape ${formatType(declared)}, got [${t.dims.join(',')}]`, { tensor: name });
  if (declared.shape.length !== t.dims.length) throw bad();
  declared.shape.forEach((d, i) => {
    const got = t.dims[i]!;
    if (typeof d === 'number') {
      if (d !== got) throw bad();
    } else if (!d.startsWith('?')) {
      const prev = symbols.get(d);
      if (prev !== undefined && prev !== got) {
        throw new KilnError('E_SHAPE_MISMATCH', `input '${name}' dim ${i} ('${d}') is ${got}, but another input set '${d}' to ${prev}`, { tensor: name });
      }
      symbols.set(d, got);
    }
  });
}

function metadata(name: string, t: ValueType | undefined): ValueMetadata {
  if (t?.kind === 'tensor') return { name, isTensor: true, type: t.dtype, shape: t.shape };
  return { name, isTensor: false };
}
