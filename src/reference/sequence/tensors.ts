/**
 * Element-moving helpers shared by the sequence and control kernels: take one slice along an axis,
 * concatenate or stack tensors, split one. They work for every dtype (strings and sub-byte types
 * included) because they move elements without converting them.
 */
import type { RuntimeValue } from '../../engine/backend.js';
import { allocElements, elementsOf, tensorFromElements, toBigInts, type ElementArray } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { product } from '../../engine/ops/shape-utils.js';
import { Tensor } from '../../engine/tensor.js';

/** Copies n elements src[s..s+n) to dst[d..d+n). */
export function copyElements(dst: ElementArray, d: number, src: ElementArray, s: number, n: number): void {
  if (n <= 0) return;
  if (Array.isArray(dst)) {
    const from = src as string[];
    for (let i = 0; i < n; i++) dst[d + i] = from[s + i]!;
  } else {
    (dst as Float64Array).set((src as Float64Array).subarray(s, s + n), d);
  }
}

/** The tensor, or a KilnError naming what was expected. */
export function asTensor(v: RuntimeValue | undefined, what: string): Tensor {
  if (v instanceof Tensor) return v;
  const got = v === undefined ? 'nothing' : v === null ? 'an empty optional' : 'a sequence';
  throw new KilnError('E_INPUT_INVALID', `${what} must be a tensor, got ${got}`);
}

/** The sequence, or a KilnError naming what was expected. */
export function asSequence(v: RuntimeValue | undefined, what: string): RuntimeValue[] {
  if (Array.isArray(v)) return v;
  const got = v === undefined ? 'nothing' : v === null ? 'an empty optional' : 'a tensor';
  throw new KilnError('E_INPUT_INVALID', `${what} must be a sequence, got ${got}`);
}

/** A one-element integer tensor (a position, a count) as a JS number. */
export function scalarInt(t: Tensor, what: string): number {
  if (t.size !== 1) throw new KilnError('E_INPUT_INVALID', `${what} must hold one value, got ${t.size}`);
  if (t.type !== 'int32' && t.type !== 'int64') throw new KilnError('E_TYPE_UNSUPPORTED', `${what} must be int32 or int64, got ${t.type}`);
  return Number(toBigInts(t)[0]!);
}

/** x[..., index, ...] along `axis`, that axis removed. */
export function sliceAxis(x: Tensor, axis: number, index: number): Tensor {
  const dims = x.dims;
  const outer = product(dims as number[], 0, axis);
  const len = dims[axis]!;
  const inner = product(dims as number[], axis + 1);
  const src = elementsOf(x);
  const out = allocElements(x.type, outer * inner);
  for (let o = 0; o < outer; o++) copyElements(out, o * inner, src, (o * len + index) * inner, inner);
  return tensorFromElements(x.type, out, [...dims.slice(0, axis), ...dims.slice(axis + 1)]);
}

/** Concatenation along an existing axis; every other dim must agree. */
export function concatTensors(items: readonly Tensor[], axis: number): Tensor {
  const first = items[0];
  if (!first) throw new KilnError('E_INPUT_INVALID', 'cannot concatenate zero tensors');
  const rank = first.dims.length;
  if (axis < 0 || axis >= rank) throw new KilnError('E_INPUT_INVALID', `axis ${axis} is out of range for rank ${rank}`);
  let total = 0;
  for (const t of items) {
    if (t.type !== first.type) throw new KilnError('E_TYPE_UNSUPPORTED', `cannot concatenate ${first.type} and ${t.type} tensors`);
    if (t.dims.length !== rank || t.dims.some((d, i) => i !== axis && d !== first.dims[i])) {
      throw new KilnError('E_SHAPE_MISMATCH', `cannot concatenate [${first.dims.join(',')}] and [${t.dims.join(',')}] along axis ${axis}`);
    }
    total += t.dims[axis]!;
  }
  const outer = product(first.dims as number[], 0, axis);
  const inner = product(first.dims as number[], axis + 1);
  const dims = [...first.dims];
  dims[axis] = total;
  const out = allocElements(first.type, outer * total * inner);
  const srcs = items.map(elementsOf);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    items.forEach((t, k) => {
      const n = t.dims[axis]! * inner;
      copyElements(out, at, srcs[k]!, o * n, n);
      at += n;
    });
  }
  return tensorFromElements(first.type, out, dims);
}

/** Stacks equal-shaped tensors along a new axis. */
export function stackTensors(items: readonly Tensor[], axis: number): Tensor {
  const first = items[0];
  if (!first) throw new KilnError('E_INPUT_INVALID', 'cannot stack zero tensors');
  for (const t of items) {
    if (t.dims.length !== first.dims.length || t.dims.some((d, i) => d !== first.dims[i])) {
      throw new KilnError('E_SHAPE_MISMATCH', `cannot stack tensors of shapes [${first.dims.join(',')}] and [${t.dims.join(',')}]`);
    }
  }
  if (axis < 0 || axis > first.dims.length) throw new KilnError('E_INPUT_INVALID', `axis ${axis} is out of range for stacking rank ${first.dims.length}`);
  const expanded = items.map((t) => new Tensor(t.type, t.data, [...t.dims.slice(0, axis), 1, ...t.dims.slice(axis)]));
  return concatTensors(expanded, axis);
}

/** Splits `x` along `axis` into pieces of the given sizes (which must sum to the axis length). */
export function splitTensor(x: Tensor, axis: number, sizes: readonly number[]): Tensor[] {
  const dims = x.dims;
  const len = dims[axis]!;
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sizes.some((s) => s < 0 || !Number.isInteger(s)) || sum !== len) {
    throw new KilnError('E_INPUT_INVALID', `split sizes [${sizes.join(',')}] do not add up to the axis length ${len}`);
  }
  const outer = product(dims as number[], 0, axis);
  const inner = product(dims as number[], axis + 1);
  const src = elementsOf(x);
  let start = 0;
  return sizes.map((s) => {
    const out = allocElements(x.type, outer * s * inner);
    for (let o = 0; o < outer; o++) copyElements(out, o * s * inner, src, (o * len + start) * inner, s * inner);
    start += s;
    const d = [...dims];
    d[axis] = s;
    return tensorFromElements(x.type, out, d);
  });
}
