/**
 * The one seam every backend plugs into. A backend says per node whether it can run it (or why not),
 * prepares once per graph, runs nodes on values, and frees what it holds.
 */
import type { Graph, Node } from './ir/graph.js';
import type { OpSchema } from './ops/schema.js';
import type { Tensor } from './tensor.js';
import type { ValueType } from './ir/types.js';
import type { LlmKernels } from './llm-kernels.js';

/**
 * A value flowing through the graph: a tensor, a sequence of tensors, or `null` for an empty optional.
 * (An omitted optional input is `undefined`.)
 */
export type RuntimeValue = Tensor | RuntimeValue[] | null;

/** What a kernel may ask of the executor. */
export interface KernelEnv {
  /** Runs a subgraph (If branch, Loop/Scan body) with the given inputs; outer-scope values resolve by name. */
  runSubgraph(g: Graph, inputs: readonly (RuntimeValue | undefined)[]): Promise<RuntimeValue[]>;
  /** Label of the node being run, for error messages only. */
  readonly label: string;
}

/** A kernel: inputs and the schema's params in, outputs out. */
export type Kernel<P = unknown> = (
  inputs: readonly (RuntimeValue | undefined)[],
  params: P,
  env: KernelEnv,
) => RuntimeValue[] | Promise<RuntimeValue[]>;

/** Typed registration: the params type comes from the schema. */
export function kernel<P>(_schema: OpSchema<never, P> | OpSchema<any, P>, fn: Kernel<P>): Kernel<P> {
  return fn;
}

/** Op key (see opKey) → kernel. */
export type KernelMap = Readonly<Record<string, Kernel<any>>>;

/** What `supports` is told about a node beyond the node itself. */
export interface SupportQuery {
  readonly node: Node;
  readonly schema: OpSchema<unknown, unknown>;
  readonly opKey: string;
  readonly opset: number;
  /** Static types of the node's inputs (undefined where unknown): lets a backend decline a dtype it lacks. */
  readonly inputTypes?: readonly (ValueType | undefined)[];
}

export interface Backend {
  readonly name: string;
  /**
   * Where this backend's kernels take their tensor inputs and leave their outputs: 'cpu' (the default)
   * or a device location such as 'gpu-buffer'. The executor moves tensors between locations: `upload`
   * here for CPU → device, the tensor's own `download` for device → CPU.
   */
  readonly location?: string;
  /** `true`, or a short reason why this backend cannot run the node (shown to the user). */
  supports(q: SupportQuery): true | string;
  /** Once per session, after planning: pack weights, compile pipelines. */
  prepare?(graph: Graph, nodes: readonly Node[]): Promise<void>;
  /** Runs one node. Tensor inputs are in this backend's location. */
  run(q: SupportQuery, inputs: readonly (RuntimeValue | undefined)[], params: unknown, env: KernelEnv): Promise<RuntimeValue[]> | RuntimeValue[];
  /**
   * CPU tensor → a tensor in this backend's location (device backends only). Device tensors are freed
   * through their DeviceStorage.dispose(), which the executor calls when a value dies; a backend whose
   * outputs can share memory with their inputs (a reshape) must count references itself.
   */
  upload?(t: Tensor): Promise<Tensor> | Tensor;
  /**
   * (optional) Runs the whole graph in one call. When the plan puts every node (subgraphs included) on
   * this backend, the session calls this instead of walking the nodes: the graph's inputs in, the wanted
   * outputs back. For backends that hand the model to something else whole (a remote host, a native
   * runtime). Errors as from run(); E_DEVICE_LOST drops the backend as it does there.
   */
  runGraph?(graph: Graph, feeds: ReadonlyMap<string, RuntimeValue>, options: RunGraphOptions): Promise<ReadonlyMap<string, RuntimeValue>>;
  dispose?(): void;
  /** (optional) The transformer kernels the LLM runner (src/llm) calls, for backends that have them. */
  readonly llm?: LlmKernels;
  /** (optional) Device timestamps on/off (session option enableProfiling). */
  setProfiling?(on: boolean): void;
  /** (optional) Device milliseconds per node name since the last call (e.g. GPU timestamps). */
  collectProfile?(): Promise<ReadonlyMap<string, number>>;
}

export interface RunGraphOptions {
  readonly signal?: AbortSignal;
  /** The outputs wanted (the run's fetches). */
  readonly fetches: readonly string[];
}

/** A backend built from a kernel map: supports exactly the ops it has kernels for. */
export function kernelMapBackend(name: string, kernels: KernelMap, extra?: Partial<Backend>): Backend {
  return {
    name,
    supports: (q) => (q.opKey in kernels ? true : `no ${name} kernel for ${q.opKey}`),
    run: (q, inputs, params, env) => kernels[q.opKey]!(inputs, params, env),
    ...extra,
  };
}
