/**
 * Element-moving helpers for the shape-family kernels. Every dtype is handled: one array slot per element
 * (sub-byte types unpacked by `elementsOf`; complex numbers as one 64-bit slot or a pair of them).
 */
import { allocElements, elementsOf, tensorFromElements, type ElementArray } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import type { DType } from '../../engine/ir/dtype.js';
import { Tensor, sizeOf } from '../../engine/tensor.js';

/** An array with one slot per element, of some element representation. Kernels only copy slots around. */
export interface Elems { [i: number]: unknown; readonly length: number }

/** One slot per element of `t` (no copy for plain types). Never mutate the result. */
export function elems(t: Tensor): Elems {
  if (t.type === 'complex64') {
    const f = t.data as Float32Array;
    const aligned = f.byteOffset % 8 === 0 ? f : new Float32Array(f);
    return new BigInt64Array(aligned.buffer, aligned.byteOffset, t.size);
  }
  if (t.type === 'complex128') {
    const f = t.data as Float64Array;
    const b = new BigInt64Array(f.buffer, f.byteOffset, 2 * t.size);
    return Array.from({ length: t.size }, (_, i) => [b[2 * i]!, b[2 * i + 1]!] as const);
  }
  return elementsOf(t) as Elems;
}

/** A zero-filled slot array for `n` elements of `type`. */
export function alloc(type: DType, n: number): Elems {
  if (type === 'complex64') return new BigInt64Array(n);
  if (type === 'complex128') return new Array(n).fill([0n, 0n] as const);
  return allocElements(type, n) as Elems;
}

/** The tensor of `type` and `dims` holding the slots `e` (as made by `alloc`). */
export function build(type: DType, e: Elems, dims: readonly number[]): Tensor {
  if (type === 'complex64') {
    const b = e as BigInt64Array;
    return new Tensor(type, new Float32Array(b.buffer, b.byteOffset, 2 * b.length), dims);
  }
  if (type === 'complex128') {
    const pairs = e as unknown as (readonly [bigint, bigint])[];
    const b = new BigInt64Array(2 * pairs.length);
    pairs.forEach((p, i) => { b[2 * i] = p[0]; b[2 * i + 1] = p[1]; });
    return new Tensor(type, new Float64Array(b.buffer), dims);
  }
  return tensorFromElements(type, e as ElementArray, dims);
}

/** A copy of `t`'s slots that may be written to. */
export function mutableElems(t: Tensor): Elems {
  const src = elems(t);
  const out = alloc(t.type, t.size);
  copyRange(out, 0, src, 0, t.size);
  return out;
}

/** Copies `n` slots. */
export function copyRange(dst: Elems, dOff: number, src: Elems, sOff: number, n: number): void {
  if (n <= 0) return;
  if (ArrayBuffer.isView(dst) && ArrayBuffer.isView(src)) {
    (dst as Uint8Array).set((src as Uint8Array).subarray(sOff, sOff + n), dOff);
    return;
  }
  const d = dst as unknown[];
  for (let i = 0; i < n; i++) d[dOff + i] = src[sOff + i];
}

/**
 * out[k] = src[Σ_a maps[a][idx_a]] over every output index (idx_0 … idx_{r-1}) of `outDims`, row-major.
 * A negative map entry selects `fill` instead (Pad's constant mode, CenterCropPad). The maps hold flat
 * offset contributions, so one helper serves Transpose, Slice, Expand, Tile, Pad, nearest Resize…
 */
export function gatherByMaps(src: Elems, dst: Elems, outDims: readonly number[], maps: readonly ArrayLike<number>[], fill?: unknown): void {
  const rank = outDims.length;
  const total = sizeOf(outDims);
  if (total === 0) return;
  const d = dst as unknown[];
  if (rank === 0) {
    d[0] = src[0];
    return;
  }
  const idx = new Int32Array(rank);
  let base = 0;
  let bad = 0;
  for (let a = 0; a < rank - 1; a++) {
    const m = maps[a]![0]!;
    if (m < 0) bad++;
    else base += m;
  }
  const last = maps[rank - 1]!;
  const n = outDims[rank - 1]!;
  let o = 0;
  for (;;) {
    if (bad) {
      for (let j = 0; j < n; j++) d[o + j] = fill;
    } else {
      for (let j = 0; j < n; j++) {
        const m = last[j]!;
        d[o + j] = m < 0 ? fill : src[base + m];
      }
    }
    o += n;
    let a = rank - 2;
    for (; a >= 0; a--) {
      const map = maps[a]!;
      const old = map[idx[a]!]!;
      if (old < 0) bad--;
      else base -= old;
      idx[a]!++;
      if (idx[a]! >= outDims[a]!) idx[a] = 0;
      const now = map[idx[a]!]!;
      if (now < 0) bad++;
      else base += now;
      if (idx[a] !== 0) break;
    }
    if (a < 0) break;
  }
}

/** Row-major strides. */
export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

/** Normalises an index into [0, n) (negative counts from the end) or throws E_INPUT_INVALID. */
export function normIndex(v: number, n: number, what = 'index'): number {
  const i = v < 0 ? v + n : v;
  if (!(i >= 0 && i < n)) throw new KilnError('E_INPUT_INVALID', `${what} ${v} is out of range for a dim of ${n}`);
  return i;
}

export const prod = (dims: readonly number[], from = 0, to = dims.length): number => {
  let p = 1;
  for (let i = from; i < to; i++) p *= dims[i]!;
  return p;
};
