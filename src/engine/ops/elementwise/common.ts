/** Shared pieces of the elementwise schemas: type classes and (multidirectional) broadcasting. */
import { DTYPES, type DType } from '../../ir/dtype.js';
import { tensorType, type Dim, type TensorType } from '../../ir/types.js';
import { attr, type OpContext } from '../schema.js';
import { broadcastShapes, concrete } from '../shape-utils.js';

/** Element types an input accepts. */
export type TypeClass = 'float' | 'numeric' | 'integer' | 'unsigned' | 'bool' | 'any';

const CLASS_TEXT: Record<TypeClass, string> = {
  float: 'a floating-point type',
  numeric: 'a numeric type',
  integer: 'an integer type',
  unsigned: 'an unsigned integer type',
  bool: 'bool',
  any: 'a plain (non-complex, non-block) type',
};

export function typeIn(dt: DType, cls: TypeClass): boolean {
  const k = DTYPES[dt].kind;
  switch (cls) {
    case 'float': return k === 'float';
    case 'numeric': return k === 'float' || k === 'int' || k === 'uint';
    case 'integer': return k === 'int' || k === 'uint';
    case 'unsigned': return k === 'uint';
    case 'bool': return k === 'bool';
    case 'any': return k !== 'block' && k !== 'complex';
  }
}

/** Input `i`'s tensor type, failing with E_TYPE_UNSUPPORTED when its element type is not in `cls`. */
export function checkType(ctx: OpContext<unknown>, i: number, cls: TypeClass): TensorType {
  const t = ctx.tensor(i);
  if (!typeIn(t.dtype, cls)) ctx.fail(`input ${i} is ${t.dtype}, expected ${CLASS_TEXT[cls]}`, 'E_TYPE_UNSUPPORTED');
  return t;
}

/** Fails unless every listed input has the same element type as input `ref`. */
export function checkSameType(ctx: OpContext<unknown>, inputs: readonly number[], ref = inputs[0]!): DType {
  const dt = ctx.tensor(ref).dtype;
  for (const i of inputs) {
    const t = ctx.tensor(i);
    if (t.dtype !== dt) ctx.fail(`inputs must have the same type, got ${dt} (input ${ref}) and ${t.dtype} (input ${i})`, 'E_TYPE_UNSUPPORTED');
  }
  return dt;
}

/**
 * Params of every broadcasting kernel: the output dims and, per input, the dims it is read with
 * (its own dims, or for legacy `broadcast=1` the second input's dims padded with 1s around `axis`).
 */
export interface BroadcastParams {
  readonly outDims: readonly number[];
  readonly inDims: readonly (readonly number[])[];
}

/** Opset < 7 binary ops: `broadcast=1` lets B match a contiguous run of A's dims starting at `axis`. */
export const legacyBroadcastAttrs = { broadcast: attr.int(0), axis: attr.int() };
export interface LegacyBroadcastAttrs { readonly broadcast: number; readonly axis: number | undefined }

/** The shapes of the given inputs as broadcasting sees them (legacy alignment applied). */
export function effectiveShapes(ctx: OpContext<unknown>, inputs: readonly number[]): (readonly Dim[] | undefined)[] {
  const shapes = inputs.map((i) => ctx.tensor(i).shape);
  const a = ctx.attrs as Partial<LegacyBroadcastAttrs>;
  if (inputs.length === 2 && ctx.opset < 7 && a.broadcast === 1 && shapes[0] && shapes[1]) {
    const sa = shapes[0];
    const sb = shapes[1];
    let axis = a.axis ?? sa.length - sb.length;
    if (axis < 0) axis += sa.length;
    if (sb.length > sa.length || axis < 0 || axis + sb.length > sa.length) {
      ctx.fail(`legacy broadcast: B [${sb.join(',')}] does not fit A [${sa.join(',')}] at axis ${a.axis ?? 'default'}`, 'E_SHAPE_MISMATCH');
    }
    shapes[1] = [...new Array<Dim>(axis).fill(1), ...sb, ...new Array<Dim>(sa.length - axis - sb.length).fill(1)];
  }
  return shapes;
}

/** Output type of a broadcasting op over `inputs`, with element type `dtype`. */
export function broadcastType(ctx: OpContext<unknown>, inputs: readonly number[], dtype: DType): TensorType {
  return tensorType(dtype, broadcastShapes(ctx, effectiveShapes(ctx, inputs)));
}

/** Run-time broadcast params for `inputs` (all shapes are concrete then). */
export function broadcastParams(ctx: OpContext<unknown>, inputs: readonly number[]): BroadcastParams {
  const inDims = effectiveShapes(ctx, inputs).map((s) => concrete(s!));
  const outDims = concrete(broadcastShapes(ctx, inDims)!);
  return { outDims, inDims };
}

/** [0, 1, …, n-1] */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
