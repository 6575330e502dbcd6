/** Builds the OpContext an op schema's `infer` and `params` see, statically or at run time. */
import type { RuntimeValue } from '../backend.js';
import { KilnError, type KilnErrorCode } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { freshDim, tensorType, type TensorType, type ValueType } from '../ir/types.js';
import { Tensor } from '../tensor.js';
import type { OpContext, ParamsContext } from './schema.js';

/** Thrown by `ctx.shape()`/`concrete()` when a shape is not known statically; inference treats it as "unknown". */
export class ShapeUnknown extends Error {}

export interface ContextInit {
  label: string;
  nodeName: string;
  opset: number;
  attrs: unknown;
  inputs: readonly (ValueType | undefined)[];
  numOutputs: number;
  /** Whether input i was given (name not ''). */
  present: readonly boolean[];
  value(i: number): Tensor | undefined;
  inferSubgraph?(g: Graph, inputTypes: readonly (ValueType | undefined)[]): (ValueType | undefined)[];
}

export function makeContext(init: ContextInit): OpContext<unknown> {
  const fail = (message: string, code: KilnErrorCode = 'E_MODEL_INVALID'): never => {
    throw new KilnError(code, `node ${init.label}: ${message}`, { node: init.nodeName });
  };
  return {
    label: init.label,
    opset: init.opset,
    attrs: init.attrs,
    inputs: init.inputs,
    numOutputs: init.numOutputs,
    has: (i) => init.present[i] === true,
    tensor(i): TensorType {
      if (!init.present[i]) fail(`input ${i} is required`);
      const t = init.inputs[i];
      if (!t) throw new ShapeUnknown(`type of input ${i} unknown`);
      if (t.kind !== 'tensor') fail(`input ${i} must be a tensor, got a ${t.kind}`);
      return t as TensorType;
    },
    shape(i) {
      const t = this.tensor(i);
      if (!t.shape) throw new ShapeUnknown(`rank of input ${i} unknown`);
      return t.shape;
    },
    value: (i) => (init.present[i] ? init.value(i) : undefined),
    inferSubgraph: (g, types) => (init.inferSubgraph ? init.inferSubgraph(g, types) : g.outputs.map((o) => o.type)),
    fail,
  };
}

export function withOutputs<A>(ctx: OpContext<A>, outputs: readonly (ValueType | undefined)[]): ParamsContext<A> {
  return Object.assign(Object.create(ctx) as OpContext<A>, { outputs });
}

/** The type of a run-time value. */
export function typeOfValue(v: RuntimeValue | undefined): ValueType | undefined {
  if (v === undefined) return undefined;
  if (v === null) return { kind: 'optional' };
  if (v instanceof Tensor) return tensorType(v.type, v.dims);
  return { kind: 'sequence', elem: joinTypes(v.map(typeOfValue)) };
}

/** One type for all elements of a sequence: sizes that differ between elements become symbols. */
function joinTypes(types: readonly (ValueType | undefined)[]): ValueType | undefined {
  const first = types[0];
  if (!first || first.kind !== 'tensor' || types.length === 1) return first;
  let shape = first.shape;
  for (const t of types.slice(1)) {
    if (!t || t.kind !== 'tensor' || t.dtype !== first.dtype) return undefined;
    if (!shape || !t.shape || t.shape.length !== shape.length) { shape = undefined; break; }
    shape = shape.map((d, i) => (d === t.shape![i] ? d : freshDim()));
  }
  return tensorType(first.dtype, shape);
}
