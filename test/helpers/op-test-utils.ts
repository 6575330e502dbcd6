/**
 * Small helpers shared by the op unit tests in test/ops: tensor builders, readers, a one-output
 * wrapper around `runOp`, error-code checks and elementwise closeness checks.
 *
 *   const y = await runFirst('Reshape', [f32([1, 2, 3, 4]), i64([2, 2])]);
 *   expect(nums(y)).toEqual([1, 2, 3, 4]);
 *   expect(await errorCode(runOp('Reshape', [x, i64([-1, -1])]))).toBe('E_MODEL_INVALID');
 */
import { expect } from 'vitest';
import { Tensor, type RuntimeValue } from '../../src/index.js';
import { KilnError } from '../../src/engine/errors.js';
import { elementsOf, toNumbers } from '../../src/engine/elements.js';
import { runOp, type RunOpOptions } from './run-op.js';

// ---- tensor builders (dims default to 1-D) ----

/** A float32 tensor. */
export const f32 = (data: readonly number[], dims: readonly number[] = [data.length]) => new Tensor('float32', data, dims);
/** A float64 tensor. */
export const f64 = (data: readonly number[], dims: readonly number[] = [data.length]) => new Tensor('float64', data, dims);
/** An int32 tensor. */
export const i32 = (data: readonly number[], dims: readonly number[] = [data.length]) => new Tensor('int32', data, dims);
/** An int64 tensor; numbers are converted exactly (they must be integers), bigints kept. */
export const i64 = (data: readonly (number | bigint)[], dims: readonly number[] = [data.length]) =>
  new Tensor('int64', data.map((x) => BigInt(x)), dims);
/** A scalar (rank-0) int64 tensor. */
export const i64Scalar = (v: number | bigint) => i64([v], []);
/** A scalar (rank-0) bool tensor. */
export const boolScalar = (b: boolean) => new Tensor('bool', new Uint8Array([b ? 1 : 0]), []);
/** A string tensor. */
export const str = (data: readonly string[], dims: readonly number[] = [data.length]) => new Tensor('string', data, dims);

// ---- deterministic pseudo-random data ----

/** The product of `dims` (1 for none): an element count. */
export const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
/** `n` deterministic pseudo-random values in [-1, 1), one sequence per `seed`. */
export const pseudoRandom = (n: number, seed = 1) => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 0.999);
/** A float32 tensor of shape `dims` filled with `pseudoRandom` values. */
export const randomF32 = (dims: number[], seed = 1) => new Tensor('float32', pseudoRandom(product(dims), seed), dims);
/** A float64 tensor of shape `dims` filled with `pseudoRandom` values. */
export const randomF64 = (dims: number[], seed = 1) => new Tensor('float64', pseudoRandom(product(dims), seed), dims);

// ---- readers (take a runOp output, typed loosely as it comes back) ----

/** A numeric tensor's elements as JS numbers (int64 converted, float16/float8 decoded, sub-byte types unpacked). */
export const nums = (t: unknown) => Array.from(toNumbers(t as Tensor));
/** A tensor's elements as stored, unconverted: bigints for 64-bit integers, strings for strings, sub-byte types unpacked. */
export const elements = (t: unknown) => Array.from(elementsOf(t as Tensor) as ArrayLike<unknown>);
/** A string tensor's elements. */
export const strs = (t: unknown) => (t as Tensor).data as string[];

// ---- running ops ----

/** Runs one op (see `runOp`) and returns its first output as a Tensor. */
export async function runFirst(
  op: string,
  inputs: readonly (RuntimeValue | undefined)[],
  attrs: Record<string, unknown> = {},
  opts: RunOpOptions = {},
): Promise<Tensor> {
  return (await runOp(op, inputs, attrs, opts))[0] as Tensor;
}

// ---- errors ----

/** Awaits `promise`, expects it to reject with a KilnError and returns the error's code. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return (e as KilnError).code;
  }
  throw new Error('expected a KilnError');
}

/** Expects `promise` to reject with a KilnError whose code is `code`. */
export async function expectKilnError(promise: Promise<unknown>, code: string): Promise<void> {
  expect(await errorCode(promise)).toBe(code);
}

// ---- closeness ----

/** Expects equal lengths and, elementwise, `got` equal to `want` (so equal infinities pass) or within `tol`: |got - want| < tol. */
export function expectClose(got: readonly number[], want: readonly number[], tol: number): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (!(g === w || Math.abs(g - w) < tol)) expect.fail(`[${i}] got ${g}, want ${w} (tolerance ${tol})`);
  });
}

/** Expects equal lengths and, elementwise, |got - want| <= tol * (1 + |want|): absolute near 0, relative for large values. */
export function expectRelClose(got: readonly number[], want: readonly number[], tol: number): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w)))) expect.fail(`[${i}] got ${g}, want ${w} (relative tolerance ${tol})`);
  });
}
