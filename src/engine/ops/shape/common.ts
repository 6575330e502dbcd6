/** Helpers shared by the shape-family schemas. */
import { toIntList } from '../../elements.js';
import { DTYPES } from '../../ir/dtype.js';
import { freshDim, type Dim, type TensorType } from '../../ir/types.js';
import type { OpContext } from '../schema.js';

/** The concrete output shape `infer` produced (params run after infer, so it is always there at run time). */
export function outDims(ctx: { outputs: readonly unknown[] }, i = 0): number[] {
  const t = ctx.outputs[i] as TensorType | undefined;
  return (t?.shape ?? []) as number[];
}

/**
 * An integer input read as numbers (shape, axes, pads, repeats…), or undefined when its value is not known
 * (statically, for a non-constant input). Checks the type and that it is a scalar or 1-D.
 */
export function intInput(ctx: OpContext<unknown>, i: number, what: string): number[] | undefined {
  if (!ctx.has(i)) return undefined;
  const t = ctx.value(i);
  if (!t) return undefined;
  if (t.type !== 'int64' && t.type !== 'int32') ctx.fail(`${what} must be int64 (or int32), got ${t.type}`, 'E_TYPE_UNSUPPORTED');
  if (t.dims.length > 1) ctx.fail(`${what} must be 1-D, got rank ${t.dims.length}`, 'E_SHAPE_MISMATCH');
  return toIntList(t);
}

/** Length of a 1-D input when its shape is known statically (for fresh-dim outputs of the right rank). */
export function staticLength(ctx: OpContext<unknown>, i: number): number | undefined {
  const t = ctx.inputs[i];
  if (!t || t.kind !== 'tensor' || !t.shape) return undefined;
  if (t.shape.length === 0) return 1;
  const d = t.shape[0];
  return typeof d === 'number' ? d : undefined;
}

/** Sum of dims; a fresh symbol when any is symbolic. */
export function dimSum(dims: readonly Dim[]): Dim {
  let s = 0;
  for (const d of dims) {
    if (typeof d !== 'number') return freshDim();
    s += d;
  }
  return s;
}

export const freshDims = (n: number): Dim[] => Array.from({ length: n }, () => freshDim());

export const isIndexType = (t: string): boolean => t === 'int64' || t === 'int32';

export function requireIndexType(ctx: OpContext<unknown>, i: number, what: string): void {
  const t = ctx.tensor(i);
  if (!isIndexType(t.dtype)) ctx.fail(`${what} must be int32 or int64, got ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
}

/** Types arithmetic (reductions, interpolation) can run on. */
export function isNumeric(t: string): boolean {
  const k = DTYPES[t as keyof typeof DTYPES]?.kind;
  return k === 'float' || k === 'int' || k === 'uint' || k === 'bool';
}

/** A dim known to be a number and checked to equal `want` when both are numbers. */
export function sameDim(ctx: OpContext<unknown>, a: Dim, b: Dim, msg: () => string): Dim {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a !== b) ctx.fail(msg(), 'E_SHAPE_MISMATCH');
    return a;
  }
  return typeof a === 'number' ? a : b;
}
