/** Scalar math the JS Math object lacks or gets subtly different from C: erf, round-half-even, pow. */
import { KilnError } from '../../engine/errors.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/**
 * The error function to ~1e-15 relative: Maclaurin series below |x| = 2.5, the continued fraction of
 * erfc above (evaluated bottom-up with a fixed depth that converges there).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2.5) {
    const x2 = ax * ax;
    let term = ax; // (-1)^n x^(2n+1) / n!
    let sum = ax;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) <= 1e-17 * Math.abs(sum)) break;
    }
    r = sum * TWO_OVER_SQRT_PI;
  } else if (ax < 6) {
    // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
    let f = ax;
    for (let k = 120; k >= 1; k--) f = ax + k / 2 / f;
    r = 1 - (Math.exp(-ax * ax) * INV_SQRT_PI) / f;
  } else {
    r = 1;
  }
  return x < 0 ? -r : r;
}

/** Rounds to the nearest integer, ties to even (numpy.round / ONNX Round); keeps -0, NaN and ±Inf. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

export const sigmoid = (x: number): number => {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
};

/** log(1 + e^x) without overflow. */
export const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** C's pow: unlike Math.pow, pow(1, y) = 1 and pow(-1, ±Inf) = 1 for every y (NaN included). */
export function cpow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/** Integer power modulo 2^bits (two's complement when `signed`), exact for any width. */
export function powInt(base: bigint, exp: bigint, bits: number, signed: boolean): bigint {
  const wrap = (v: bigint) => (signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v));
  if (exp < 0n) {
    if (base === 1n) return 1n;
    if (base === -1n) return exp % 2n === 0n ? 1n : wrap(-1n);
    if (base === 0n) throw new KilnError('E_INPUT_INVALID', 'integer zero raised to a negative power');
    return 0n; // |base| > 1: the exact result's integer part is 0
  }
  let result = 1n;
  let b = BigInt.asUintN(bits, base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = BigInt.asUintN(bits, result * b);
    b = BigInt.asUintN(bits, b * b);
    e >>= 1n;
  }
  return wrap(result);
}

