/** Shape arithmetic shared by op schemas. Works on symbolic dims: unknown results get fresh symbols. */
import { freshDim, tensorType, type Dim, type TensorType, type ValueType } from '../ir/types.js';
import type { DType } from '../ir/dtype.js';
import { ShapeUnknown } from './context.js';
import type { OpContext } from './schema.js';

/** Numpy-style multidirectional broadcasting. Returns undefined when any rank is unknown. */
export function broadcastShapes(ctx: Pick<OpContext<unknown>, 'fail'>, shapes: readonly (readonly Dim[] | undefined)[]): Dim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const rank = Math.max(0, ...shapes.map((s) => s!.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const k = s!.length - rank + i;
      if (k < 0) continue;
      const e = s![k]!;
      if (e === 1) continue;
      if (d === 1) d = e;
      else if (typeof d === 'number' && typeof e === 'number') {
        if (d !== e) ctx.fail(`cannot broadcast shapes ${shapes.map((x) => `[${x!.join(',')}]`).join(' and ')}`, 'E_SHAPE_MISMATCH');
      } else if (d !== e) {
        // symbolic vs other: a known size > 1 wins; two different symbols stay unknown
        if (typeof e === 'number') d = e;
        else if (typeof d !== 'number') d = freshDim();
      }
    }
    out.push(d);
  }
  return out;
}

/** Normalises a possibly negative axis into [0, rank) (or [0, rank] with `inclusive`). */
export function normAxis(ctx: Pick<OpContext<unknown>, 'fail'>, axis: number, rank: number, inclusive = false): number {
  const hi = inclusive ? rank + 1 : rank;
  const a = axis < 0 ? axis + hi : axis;
  if (!(a >= 0 && a < hi)) ctx.fail(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function normAxes(ctx: Pick<OpContext<unknown>, 'fail'>, axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => normAxis(ctx, a, rank));
  if (new Set(out).size !== out.length) ctx.fail(`repeated axis in [${axes.join(',')}]`);
  return out;
}

/** Product of dims, or a fresh symbol when any is symbolic. */
export function dimProduct(dims: readonly Dim[]): Dim {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return dims.some((x) => x === 0) ? 0 : freshDim();
    p *= d;
  }
  return p;
}

/** a op b when both are numbers, else a fresh symbol. */
export function dimMath(a: Dim, b: Dim, f: (x: number, y: number) => number): Dim {
  return typeof a === 'number' && typeof b === 'number' ? f(a, b) : freshDim();
}

/** Strides (row-major) of a concrete shape. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

export const product = (dims: readonly number[], from = 0, to = dims.length): number => {
  let p = 1;
  for (let i = from; i < to; i++) p *= dims[i]!;
  return p;
};

/** Output type = input `i`'s type (elementwise unary ops). */
export const sameAsInput = (i = 0) => (ctx: OpContext<unknown>): ValueType[] => [ctx.tensor(i)];

/** Output type: dtype of input `i` with the given shape. */
export const withShape = (ctx: OpContext<unknown>, shape: readonly Dim[] | undefined, dtype?: DType, i = 0): TensorType =>
  tensorType(dtype ?? ctx.tensor(i).dtype, shape);

/**
 * The dims of a shape that must be concrete to go on (always true at run time). Statically, a symbolic
 * dim makes inference give up on this node's outputs (they become unknown) rather than fail.
 */
export function concrete(shape: readonly Dim[]): number[] {
  for (const d of shape) if (typeof d !== 'number') throw new ShapeUnknown(`shape [${shape.join(',')}] is not known yet`);
  return shape as number[];
}
