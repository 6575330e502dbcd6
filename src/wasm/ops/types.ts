/** What a wasm op implementation is, and what it may ask of the backend while it runs. */
import type { RuntimeValue, SupportQuery } from '../../engine/backend.js';
import type { DType } from '../../engine/ir/dtype.js';
import type { Graph, Node } from '../../engine/ir/graph.js';
import type { Tensor, TensorData } from '../../engine/tensor.js';
import type { Runtime } from '../runtime.js';

/** An input as a kernel sees it: where its elements are in the WASM heap. */
export interface HeapTensor {
  readonly ptr: number;
  readonly type: DType;
  readonly dims: readonly number[];
  readonly size: number;
}

export interface RunCtx {
  readonly rt: Runtime;
  /** What prepare() returned for this node (undefined when the node was not prepared). */
  readonly state: unknown;
  /** The raw input values (for identity checks against prepared constants). */
  readonly inputs: readonly (RuntimeValue | undefined)[];
  /** Outputs the node declares (some ops produce optional extras only when asked). */
  readonly numOutputs: number;
  /** Input i in the heap: placed constants and arena views in place, anything else copied in. */
  in(i: number): HeapTensor;
  /** Input i's elements as a fresh JS view or array (small inputs read on the host: indices, bounds). */
  host(i: number): TensorData;
  /** Where kernel output k of `type`/`dims` goes; returns its pointer. */
  out(k: number, type: DType, dims: readonly number[]): number;
  /** Output k is input i under new dims, without a copy. */
  alias(k: number, i: number, dims: readonly number[]): void;
  /** Scratch memory for this kernel call only. */
  scratch(bytes: number): number;
}

export interface PrepareCtx {
  readonly rt: Runtime;
  readonly graph: Graph;
  /** The constant (initializer) behind a value name, if it is one. */
  constant(name: string): Tensor | undefined;
  /** A heap block owned by the session (freed with it). */
  alloc(bytes: number): number;
  /** A constant copied into the heap once (freed with the session). */
  place(t: Tensor): number;
}

export interface WasmOp<P = any> {
  /** Element types of input 0 the kernel takes (default float32; 'any' for data movement). */
  readonly dtypes?: readonly DType[] | 'any';
  /** At planning: whether this node can run here, from its op and attributes (true or the reason). */
  supports?(q: SupportQuery): true | string;
  /** At run time: whether these inputs suit the kernel; if not, the reference backend runs the node. */
  accepts(inputs: readonly (RuntimeValue | undefined)[], params: P): boolean;
  /** Once per session: pack constant operands; the result comes back as ctx.state. */
  prepare?(node: Node, p: PrepareCtx): unknown;
  run(ctx: RunCtx, params: P): void;
}

export type WasmOpTable = Readonly<Record<string, WasmOp>>;

/** True when v is a tensor of one of the given types. */
export function isTensorOf(v: RuntimeValue | undefined, ...types: DType[]): v is Tensor {
  return v !== null && v !== undefined && !Array.isArray(v) && types.includes((v as Tensor).type);
}
