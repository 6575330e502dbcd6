/**
 * The argument checks of LlmKernels (src/engine/llm-kernels.ts), one per op, shared by every backend so
 * that a bad call gets the same KilnError (code and message) on the reference, wasm and WebGPU kernels.
 * They look only at the descriptive fields of the handles (rows, cols, name, type, the cache's shape)
 * and at which class a handle is; limits of one backend (a shader's largest head) stay with the backend.
 */
import { KilnError } from './errors.js';
import { DTYPES, type DType } from './ir/dtype.js';
import type { LlmActivation, LlmAttentionArgs, LlmKvCache, LlmKvCacheDesc, LlmWeight } from './llm-kernels.js';

interface Cols { readonly cols: number }
interface Named { readonly name: string; readonly type: DType; readonly rows: number; readonly cols: number }

/** A backend's handle class. */
type Class<T> = abstract new (...args: never[]) => T;

const isRow = (r: number): boolean => Number.isInteger(r) && r >= 0;

/** h as the backend's own weight, or a KilnError (a weight of another backend). */
export function ownWeight<T extends LlmWeight>(h: LlmWeight, cls: Class<T>): T {
  if (!(h instanceof cls)) throw new KilnError('E_INPUT_INVALID', `weight '${h.name}' belongs to another backend`);
  return h;
}

/** h as the backend's own activation with at least n rows, or a KilnError. */
export function ownActivation<T extends LlmActivation>(h: LlmActivation, cls: Class<T>, n: number, what: string): T {
  if (!(h instanceof cls)) throw new KilnError('E_INPUT_INVALID', `${what}: activation belongs to another backend`);
  if (!Number.isInteger(n) || n < 0 || n > h.rows) throw new KilnError('E_INPUT_INVALID', `${what}: ${n} rows asked of an activation of ${h.rows}`);
  return h;
}

/** h as the backend's own KV cache, or a KilnError. */
export function ownCache<T extends LlmKvCache>(h: LlmKvCache, cls: Class<T>): T {
  if (!(h instanceof cls)) throw new KilnError('E_INPUT_INVALID', 'KV cache belongs to another backend');
  return h;
}

export function checkCols(what: string, a: Cols, want: number): void {
  if (a.cols !== want) throw new KilnError('E_SHAPE_MISMATCH', `${what}: ${a.cols} columns, expected ${want}`);
}

/** A first row (read, argmax). */
export function checkRow(what: string, row: number): void {
  if (!isRow(row)) throw new KilnError('E_INPUT_INVALID', `${what}: row ${row}`);
}

/** Bytes of one row of a rows × cols weight of this type (rows of whole blocks), or a KilnError. */
export function weightRowBytes(name: string, type: DType, rows: number, cols: number): number {
  const info = DTYPES[type];
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || cols % info.blockSize !== 0) {
    throw new KilnError('E_SHAPE_MISMATCH', `weight '${name}': ${rows} × ${cols} is not a valid ${type} matrix (rows of whole ${info.blockSize}-value blocks)`, { tensor: name });
  }
  return (cols / info.blockSize) * info.bytesPerBlock;
}

/** The stored bytes given for a weight are exactly rows × rowBytes. */
export function checkWeightBytes(name: string, type: DType, rows: number, cols: number, got: number): void {
  const want = rows * weightRowBytes(name, type, rows, cols);
  if (got !== want) throw new KilnError('E_SHAPE_MISMATCH', `weight '${name}': ${rows} × ${cols} ${type} needs ${want} bytes, got ${got}`, { tensor: name });
}

/** A float32 vector weight (norm weight or bias, rope factors), of `len` values when given. */
export function checkVector(what: string, w: Named, len?: number): void {
  if (w.rows !== 1 || w.type !== 'float32') throw new KilnError('E_INPUT_INVALID', `${what} '${w.name}' must be a float32 vector, not ${w.type} ${w.rows} × ${w.cols}`);
  if (len !== undefined) checkCols(`${what} '${w.name}'`, w, len);
}

export function checkActivationSize(rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) throw new KilnError('E_INPUT_INVALID', `activation of ${rows} × ${cols} is not a valid size`);
}

export function checkKvCache(d: LlmKvCacheDesc): void {
  const per = d.contextSize * d.kvHeads * d.headDim;
  if (!Number.isSafeInteger(per) || per < 1 || !Number.isInteger(d.layers) || d.layers < 1) {
    throw new KilnError('E_INPUT_INVALID', `KV cache of ${d.layers} layers × ${d.contextSize} positions × ${d.kvHeads} × ${d.headDim} is not a valid size`);
  }
  if (d.type !== 'f32' && d.type !== 'f16') throw new KilnError('E_TYPE_UNSUPPORTED', `KV cache type ${String(d.type)}`);
}

export function checkToken(t: number, vocab: number): void {
  if (!(Number.isInteger(t) && t >= 0 && t < vocab)) throw new KilnError('E_INPUT_INVALID', `token id ${t} is outside the vocabulary (${vocab} tokens)`);
}

/** norm: out as wide as x, x's row made of groups of the weight's width. */
export function checkNorm(x: Cols, out: Cols, group: number, weightName: string): void {
  checkCols('norm out', out, x.cols);
  if (x.cols % group !== 0) throw new KilnError('E_SHAPE_MISMATCH', `norm: ${x.cols} columns are not groups of ${group} (weight '${weightName}')`);
}

/** matmul: x.cols = w.cols, out.cols = w.rows, and out is not x. */
export function checkMatmul(w: Named, x: Cols, out: Cols): void {
  checkCols(`matmul ${w.name} input`, x, w.cols);
  checkCols(`matmul ${w.name} output`, out, w.rows);
  if (x === out) throw new KilnError('E_INPUT_INVALID', `matmul ${w.name}: the input and the output are the same activation`);
}

/** add (`b`) and gated (`up`): the second input and out as wide as the first. */
export function checkEltwise(op: 'add' | 'gated', a: Cols, b: Cols, out: Cols): void {
  checkCols(op === 'add' ? 'add' : 'gated up', b, a.cols);
  checkCols(`${op} out`, out, a.cols);
}

/** rope: `heads` heads of `headDim` fill the row; `dims` (even) of each rotate; one factor per pair. */
export function checkRope(a: { heads: number; headDim: number; dims: number }, x: Cols, factors?: { name: string; count: number }): void {
  if (x.cols !== a.heads * a.headDim || a.dims > a.headDim || a.dims % 2 !== 0) {
    throw new KilnError('E_SHAPE_MISMATCH', `rope: ${a.heads} heads of ${a.headDim} (rotating ${a.dims}) do not fit ${x.cols} columns`);
  }
  if (factors && factors.count < a.dims / 2) throw new KilnError('E_SHAPE_MISMATCH', `rope: ${factors.count} frequency factors for ${a.dims / 2} pairs ('${factors.name}')`);
}

/**
 * attention's handles as the backend's own (through its asAct and asCache), checked: the heads fit the
 * cache, q/k/v/out their widths, the layer and positions the cache.
 */
export function attentionOperands<A extends Cols, C extends LlmKvCacheDesc>(
  a: LlmAttentionArgs, asAct: (h: LlmActivation, n: number, what: string) => A, asCache: (h: LlmKvCache) => C,
): { c: C; q: A; k: A; v: A; out: A } {
  const c = asCache(a.cache);
  const q = asAct(a.q, a.n, 'attention q');
  const k = asAct(a.k, a.n, 'attention k');
  const v = asAct(a.v, a.n, 'attention v');
  const out = asAct(a.out, a.n, 'attention out');
  const { heads, kvHeads, headDim, n, pos } = a;
  const kvw = kvHeads * headDim;
  if (kvHeads !== c.kvHeads || headDim !== c.headDim || heads % kvHeads !== 0) {
    throw new KilnError('E_INPUT_INVALID', `attention: ${heads} heads over ${kvHeads} KV heads of ${headDim} do not fit a cache of ${c.kvHeads} × ${c.headDim}`);
  }
  if (q.cols !== heads * headDim || out.cols !== heads * headDim || k.cols !== kvw || v.cols !== kvw) {
    throw new KilnError('E_SHAPE_MISMATCH', `attention: q/out need ${heads * headDim} columns and k/v ${kvw}`);
  }
  if (!(isRow(a.layer) && a.layer < c.layers)) throw new KilnError('E_INPUT_INVALID', `attention: layer ${a.layer} of a ${c.layers}-layer cache`);
  if (!isRow(pos) || pos + n > c.contextSize) {
    throw new KilnError('E_INPUT_INVALID', `attention: positions ${pos}…${pos + n - 1} are past the KV cache (${c.contextSize} positions)`);
  }
  return { c, q, k, v, out };
}

/** copyRows: same widths, whole non-negative first rows. */
export function checkCopyRows(src: Cols, srcRow: number, dst: Cols, dstRow: number): void {
  checkCols('copyRows', dst, src.cols);
  if (!(isRow(srcRow) && isRow(dstRow))) throw new KilnError('E_INPUT_INVALID', `copyRows: rows ${srcRow} → ${dstRow}`);
}
