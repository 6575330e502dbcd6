/**
 * Conversions between JS numbers and the narrow float formats stored as raw bits: float16, bfloat16, the
 * four float8 flavours, float8e8m0 and float4e2m1. Encoding rounds to nearest, ties to even (RNE).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds a number to float32 and returns its bit pattern. */
export function float32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

export function float16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Number → float16 bits, RNE, overflow to ±Inf. Rounds directly from the double (no double rounding). */
export function numberToFloat16(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  if (a < 2 ** -14) {
    // subnormal: units of 2^-24
    const q = roundHalfEven(a * 2 ** 24);
    return sign | q; // q may be 1024 → smallest normal, which is the right encoding
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  let m = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) { m = 0; e++; }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function bfloat16ToNumber(b: number): number {
  u32[0] = (b & 0xffff) << 16;
  return f32[0]!;
}

/** Number → bfloat16 bits: round to float32 first (as every framework does), then RNE to 16 bits. */
export function numberToBfloat16(x: number): number {
  const bits = float32Bits(x);
  if ((bits & 0x7f800000) === 0x7f800000 && bits & 0x7fffff) return (bits >>> 16) | 0x40; // keep NaN a NaN
  const rounded = bits + 0x7fff + ((bits >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

/** A narrow float format described as data. */
interface MiniFloatFormat {
  readonly expBits: number;
  readonly manBits: number;
  readonly bias: number;
  /** IEEE-style: all-ones exponent means Inf/NaN. */
  readonly ieee: boolean;
  /** 'fn': only S.1111.111 is NaN (no Inf). 'fnuz': 0x80 is the single NaN, no negative zero. */
  readonly special: 'ieee' | 'fn' | 'fnuz' | 'none';
}

export type MiniFloatName = 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'float4e2m1';

const FORMATS: Record<MiniFloatName, MiniFloatFormat> = {
  float8e4m3fn: { expBits: 4, manBits: 3, bias: 7, ieee: false, special: 'fn' },
  float8e4m3fnuz: { expBits: 4, manBits: 3, bias: 8, ieee: false, special: 'fnuz' },
  float8e5m2: { expBits: 5, manBits: 2, bias: 15, ieee: true, special: 'ieee' },
  float8e5m2fnuz: { expBits: 5, manBits: 2, bias: 16, ieee: false, special: 'fnuz' },
  float4e2m1: { expBits: 2, manBits: 1, bias: 1, ieee: false, special: 'none' },
};

function decodeWith(fmt: MiniFloatFormat, code: number): number {
  const total = 1 + fmt.expBits + fmt.manBits;
  const signBit = 1 << (total - 1);
  const expMask = (1 << fmt.expBits) - 1;
  const manMask = (1 << fmt.manBits) - 1;
  if (fmt.special === 'fnuz' && code === signBit) return NaN;
  if (fmt.special === 'fn' && (code & (signBit - 1)) === (signBit - 1)) return NaN;
  const sign = code & signBit ? -1 : 1;
  const e = (code >> fmt.manBits) & expMask;
  const m = code & manMask;
  if (fmt.ieee && e === expMask) return m ? NaN : sign * Infinity;
  if (e === 0) return sign * m * 2 ** (1 - fmt.bias - fmt.manBits);
  return sign * (1 + m / (1 << fmt.manBits)) * 2 ** (e - fmt.bias);
}

interface Table {
  readonly decode: Float64Array; // code → value
  readonly positives: { value: number; code: number }[]; // finite values ≥ 0, ascending
  readonly max: number;
  readonly fmt: MiniFloatFormat;
  readonly signBit: number;
}
const tables = new Map<MiniFloatName, Table>();

function table(name: MiniFloatName): Table {
  let t = tables.get(name);
  if (t) return t;
  const fmt = FORMATS[name];
  const size = 1 << (1 + fmt.expBits + fmt.manBits);
  const decode = new Float64Array(size);
  const positives: { value: number; code: number }[] = [];
  for (let c = 0; c < size; c++) {
    decode[c] = decodeWith(fmt, c);
    if (c < size / 2 && Number.isFinite(decode[c]!)) positives.push({ value: decode[c]!, code: c });
  }
  positives.sort((a, b) => a.value - b.value);
  t = { decode, positives, max: positives[positives.length - 1]!.value, fmt, signBit: size / 2 };
  tables.set(name, t);
  return t;
}

export function miniFloatToNumber(name: MiniFloatName, code: number): number {
  return table(name).decode[code]!;
}

/**
 * Number → narrow float code, RNE, as the ONNX reference implementation (whose outputs the conformance
 * tests hold) does it: with `saturate`, out-of-range values and ±Inf clamp to ±max; without, they become
 * Inf where the format has one, NaN otherwise. float4e2m1 has no NaN or Inf: it always saturates, and NaN
 * becomes the -0 code.
 */
export function numberToMiniFloat(name: MiniFloatName, x: number, saturate = true): number {
  const t = table(name);
  const { fmt, signBit } = t;
  const nan = fmt.special === 'fnuz' ? signBit : fmt.special === 'fn' ? signBit - 1 : fmt.special === 'ieee' ? signBit - 1 : 0;
  const neg = x < 0 || Object.is(x, -0);
  const signed = (code: number) => (neg && !(fmt.special === 'fnuz' && code === 0) ? code | signBit : code);
  if (Number.isNaN(x)) return fmt.special === 'none' ? signBit : nan; // float4e2m1 has no NaN: ONNX writes -0
  const a = Math.abs(x);
  if (a === Infinity) {
    if (fmt.special === 'ieee') return saturate ? signed(t.positives[t.positives.length - 1]!.code) : signed(((1 << fmt.expBits) - 1) << fmt.manBits);
    if (fmt.special === 'fnuz') return saturate ? signed(t.positives[t.positives.length - 1]!.code) : nan;
    if (fmt.special === 'none') return signed(t.positives[t.positives.length - 1]!.code);
    return saturate ? signed(t.positives[t.positives.length - 1]!.code) : nan;
  }
  const code = nearestCode(t, a);
  if (code < 0) {
    // beyond max after rounding
    if (saturate || fmt.special === 'none') return signed(t.positives[t.positives.length - 1]!.code);
    if (fmt.special === 'ieee') return signed(((1 << fmt.expBits) - 1) << fmt.manBits);
    return nan;
  }
  return signed(code);
}

/** Nearest representable magnitude (RNE), or -1 when `a` rounds past the largest finite value. */
function nearestCode(t: Table, a: number): number {
  const p = t.positives;
  let lo = 0;
  let hi = p.length - 1;
  if (a >= t.max) {
    // Halfway to the next (unrepresentable) step rounds up past max.
    const last = p[p.length - 1]!;
    const prev = p[p.length - 2]!;
    const step = last.value - prev.value;
    if (a === t.max) return last.code;
    if (a < t.max + step / 2) return last.code;
    if (a === t.max + step / 2) return (last.code & 1) === 0 ? last.code : -1;
    return -1;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (p[mid]!.value <= a) lo = mid;
    else hi = mid;
  }
  const below = p[lo]!;
  const above = p[hi]!;
  if (a === below.value) return below.code;
  const dBelow = a - below.value;
  const dAbove = above.value - a;
  if (dBelow < dAbove) return below.code;
  if (dAbove < dBelow) return above.code;
  return (below.code & 1) === 0 ? below.code : above.code;
}

/** float8e8m0: an exponent only, value 2^(e-127); 0xFF is NaN. */
export function e8m0ToNumber(code: number): number {
  return code === 0xff ? NaN : 2 ** (code - 127);
}

/**
 * Number → float8e8m0. `round`: 'up' (ONNX default), 'down' or 'nearest' to a power of two. With
 * `saturate`, values beyond the range clamp to the extremes; otherwise they become NaN.
 */
export function numberToE8m0(x: number, saturate = true, round: 'up' | 'down' | 'nearest' = 'up'): number {
  if (Number.isNaN(x) || x <= 0) return Number.isNaN(x) ? 0xff : 0; // no sign, no zero: clamp to 2^-127
  if (x === Infinity) return saturate ? 0xfe : 0xff;
  const bits = float32Bits(x);
  let e = (bits >>> 23) & 0xff;
  const m = bits & 0x7fffff;
  if (e === 0) {
    // float32 subnormal: below 2^-126
    if (round === 'up' && m) e = e + 1;
    else if (round === 'nearest' && m > 0x400000) e = e + 1;
  } else if (round === 'up' && m) e++;
  else if (round === 'nearest' && (m > 0x400000 || (m === 0x400000 && (e & 1)))) e++;
  if (e > 0xfe) return saturate ? 0xfe : 0xff;
  return e;
}
