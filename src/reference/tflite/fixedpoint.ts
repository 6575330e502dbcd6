/**
 * TFLite's integer rescaling, exactly. A quantized kernel accumulates in integers and rescales with an
 * int32 multiplier m (Q0.31) and a power-of-two shift: y = x * m / 2^31 * 2^shift, rounded the way
 * gemmlowp / TFLite round. JS numbers are doubles, so products that need 62 bits are split into pieces
 * that each stay exact below 2^53.
 */

const TWO31 = 2147483648;

/** gemmlowp SaturatingRoundingDoublingHighMul: (a*b + nudge) / 2^31, truncated toward zero; int32 in and out. */
export function srdhm(a: number, b: number): number {
  if (a === -TWO31 && b === -TWO31) return 2147483647;
  const bl = b & 0xffff;
  const bh = (b - bl) / 65536;
  const p1 = a * bh; // |p1| <= 2^46
  const p0 = a * bl; // |p0| < 2^47
  const nudge = p1 * 65536 + p0 >= 0 ? 1073741824 : 1 - 1073741824;
  const t = p0 + nudge;
  const p1h = Math.floor(p1 / 32768);
  const u = (p1 - p1h * 32768) * 65536 + t;
  const uh = Math.floor(u / TWO31);
  const q = p1h + uh;
  return q < 0 && u - uh * TWO31 !== 0 ? q + 1 : q;
}

/** gemmlowp RoundingDivideByPOT: x / 2^e rounded to nearest, ties away from zero; x int32, 0 <= e <= 31. */
export function rdbp(x: number, e: number): number {
  if (e === 0) return x;
  const mask = e >= 31 ? 0x7fffffff : (1 << e) - 1;
  const rem = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (rem > threshold ? 1 : 0);
}

/** TFLite MultiplyByQuantizedMultiplier for int32 x (double rounding: high-mul, then rounding shift). */
export function mbqm(x: number, m: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbp(srdhm((x * 2 ** left) | 0, m), right);
}

/** TFLite MultiplyByQuantizedMultiplierSmallerThanOneExp (shift <= 0). */
export const mbqmSmall = (x: number, m: number, shift: number): number => rdbp(srdhm(x, m), -shift);

const TWO24 = 16777216;

/**
 * TFLite MultiplyByQuantizedMultiplier for int64 x (16x8 kernels): the multiplier is first reduced to
 * 16 bits, then (x * m16 + 2^(s-1)) >> s with s = 15 - shift, and the result cast to int32.
 * x is any integer-valued double (|x| < 2^53).
 */
export function mbqm64(x: number, m: number, shift: number): number {
  const reduced = m < 0x7fff0000 ? (m + 32768) >> 16 : 0x7fff;
  const s = 15 - shift;
  const xh = Math.floor(x / TWO24);
  const xl = x - xh * TWO24;
  const a = xh * reduced;
  const b = xl * reduced + 2 ** (s - 1);
  if (s >= 24) return Math.floor((a + Math.floor(b / TWO24)) / 2 ** (s - 24)) | 0;
  return ((a * 2 ** (24 - s)) | 0) + (Math.floor(b / 2 ** s) | 0) | 0;
}

/** Clamp to [lo, hi]. */
export const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
