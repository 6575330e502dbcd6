/** Reference kernels: Cast, CastLike, BitCast. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromBigInts, fromNumbers, toBigInts, toNumbers, type EncodeOptions } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { DTYPES, isWideInt, type DType } from '../../engine/ir/dtype.js';
import {
  bfloat16ToNumber, e8m0ToNumber, float16ToNumber, miniFloatToNumber, numberToBfloat16, numberToE8m0,
  numberToFloat16, numberToMiniFloat, type MiniFloatName,
} from '../../engine/ir/minifloat.js';
import { elementwiseOps as ops, type CastParams } from '../../engine/ops/elementwise.js';
import { arrayClassOf, Tensor } from '../../engine/tensor.js';
import { isIntType, tensorAt, type Inputs } from './core.js';

/**
 * A bigint as a double rounded to odd at 53 bits. Rounding that double once more to a format of at
 * most 51 significant bits (float32, float16, bfloat16, float8) gives the correctly rounded result,
 * which a plain Number(v) followed by that rounding would not always do.
 */
function bigToDoubleSticky(v: bigint): number {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const bits = a.toString(2).length;
  if (bits <= 53) return Number(v);
  const shift = BigInt(bits - 53);
  let q = a >> shift;
  if (q << shift !== a) q |= 1n;
  const r = Number(q) * 2 ** (bits - 53);
  return neg ? -r : r;
}

/** Rounds a double to the nearest value of a narrow float type (for shortest round-trip formatting). */
function rounderFor(type: DType): (x: number) => number {
  switch (type) {
    case 'float32': return Math.fround;
    case 'float16': return (x) => float16ToNumber(numberToFloat16(x));
    case 'bfloat16': return (x) => bfloat16ToNumber(numberToBfloat16(x));
    case 'float8e8m0': return (x) => e8m0ToNumber(numberToE8m0(x, true, 'nearest'));
    default: return (x) => miniFloatToNumber(type as MiniFloatName, numberToMiniFloat(type as MiniFloatName, x, true));
  }
}

const plain = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));

/**
 * Number → string as Cast writes it: "NaN", "INF", "-INF" for the special values, otherwise the
 * shortest decimal that reads back to the same value of the source type.
 */
function formatFloat(v: number, type: DType, round: (x: number) => number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'INF';
  if (v === -Infinity) return '-INF';
  if (type === 'float64') return plain(v);
  for (let p = 1; p <= 17; p++) {
    const c = Number(v.toPrecision(p));
    if (round(c) === v) return plain(c);
  }
  return plain(v);
}

function toStrings(x: Tensor): string[] {
  if (isWideInt(x.type)) return toBigInts(x).map(String);
  const v = toNumbers(x);
  if (x.type === 'bool') return Array.from(v, (b) => (b ? '1' : '0'));
  if (isIntType(x.type)) return Array.from(v, String);
  const round = rounderFor(x.type);
  return Array.from(v, (e) => formatFloat(e, x.type, round));
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** A string as a number: decimal or scientific notation, or inf/infinity/nan in any case, with a sign. */
function parseNumber(s: string): number {
  const t = s.trim();
  if (DECIMAL.test(t)) return Number(t);
  const m = /^([+-]?)(inf|infinity|nan)$/i.exec(t);
  if (m) return m[2]!.toLowerCase() === 'nan' ? NaN : m[1] === '-' ? -Infinity : Infinity;
  throw new KilnError('E_INPUT_INVALID', `cannot cast the string '${s}' to a number`);
}

function fromStrings(src: readonly string[], to: DType, dims: readonly number[], opts: EncodeOptions): Tensor {
  if (to === 'bool') {
    return new Tensor('bool', Uint8Array.from(src, (s) => {
      const t = s.trim().toLowerCase();
      return t === 'true' ? 1 : t === 'false' ? 0 : parseNumber(s) !== 0 ? 1 : 0;
    }), dims);
  }
  if (isIntType(to)) {
    const vals = src.map((s) => {
      const t = s.trim();
      if (INTEGER.test(t)) return BigInt(t);
      const v = parseNumber(s);
      return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
    });
    return fromBigInts(to, vals, dims);
  }
  return fromNumbers(to, src.map(parseNumber), dims, opts);
}

/** Converts a tensor to `to` following ONNX Cast (truncation toward zero and wrapping for integers). */
export function castTensor(x: Tensor, to: DType, opts: EncodeOptions): Tensor {
  if (x.type === to) return x;
  if (to === 'string') return new Tensor('string', toStrings(x), x.dims);
  if (x.type === 'string') return fromStrings(x.data as string[], to, x.dims, opts);
  const wideIn = isWideInt(x.type);
  if (isIntType(to) && (wideIn || isWideInt(to)) && x.type !== 'bool' && DTYPES[x.type].kind !== 'float') {
    return fromBigInts(to, toBigInts(x), x.dims);
  }
  if (wideIn && DTYPES[to].kind === 'float' && to !== 'float64') {
    return fromNumbers(to, toBigInts(x).map(bigToDoubleSticky), x.dims, opts);
  }
  return fromNumbers(to, toNumbers(x), x.dims, opts);
}

const castKernel = (inputs: Inputs, p: CastParams) => [castTensor(tensorAt(inputs, 0), p.to, { saturate: p.saturate, round: p.round })];

/** Same bytes, another type of the same width. */
function bitcast(x: Tensor, to: DType): Tensor {
  const src = x.data;
  if (Array.isArray(src)) throw new KilnError('E_TYPE_UNSUPPORTED', 'BitCast does not take strings');
  const bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength).slice();
  const C = arrayClassOf(to);
  if (!C) throw new KilnError('E_TYPE_UNSUPPORTED', `BitCast cannot produce '${to}'`);
  return new Tensor(to, new C(bytes.buffer), x.dims);
}

export const castKernels: KernelMap = {
  Cast: kernel(ops.Cast, castKernel),
  CastLike: kernel(ops.CastLike, castKernel),
  BitCast: kernel(ops.BitCast, (inputs, p) => [bitcast(tensorAt(inputs, 0), p.to)]),
};
