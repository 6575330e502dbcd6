import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { runOp } from '../helpers/run-op.js';
import { elements, expectKilnError, f32, i32, i64, nums, runFirst } from '../helpers/op-test-utils.js';

describe('binary arithmetic', () => {
  it('Add broadcasts', async () => {
    const y = await runFirst('Add', [f32([1, 2, 3, 4, 5, 6], [2, 3]), f32([10, 20, 30])]);
    expect(y.dims).toEqual([2, 3]);
    expect(nums(y)).toEqual([11, 22, 33, 14, 25, 36]);
  });
  it('Add is exact on int64 and wraps', async () => {
    const a = i64([2n ** 62n]);
    expect(elements(await runFirst('Add', [a, a]))).toEqual([-(2n ** 63n)]);
  });
  it('legacy broadcast (opset 6) aligns B at axis', async () => {
    const y = await runFirst('Add', [f32([1, 2, 3, 4, 5, 6], [2, 3]), f32([10, 20], [2])], { broadcast: 1, axis: 0 }, { opset: 6 });
    expect(nums(y)).toEqual([11, 12, 13, 24, 25, 26]);
  });
  it('Mul on int32 wraps exactly even past 2^53', async () => {
    expect(elements(await runFirst('Mul', [i32([2147483647]), i32([2147483647])]))).toEqual([1]);
  });
  it('integer Div truncates toward zero; by zero is an error', async () => {
    expect(elements(await runFirst('Div', [i32([7, -7, 7, -7]), i32([2, 2, -2, -2])]))).toEqual([3, -3, -3, 3]);
    expect(elements(await runFirst('Div', [i64([-7n]), i64([2n])]))).toEqual([-3n]);
    await expectKilnError(runFirst('Div', [i32([1]), i32([0])]), 'E_INPUT_INVALID');
  });
  it('Mod: sign follows the divisor, or the dividend with fmod=1', async () => {
    const a = i32([-4, 7, 5, -5]);
    const b = i32([3, -3, 3, -3]);
    expect(elements(await runFirst('Mod', [a, b]))).toEqual([2, -2, 2, -2]);
    expect(elements(await runFirst('Mod', [a, b], { fmod: 1 }))).toEqual([-1, 1, 2, -2]);
    expect(elements(await runFirst('Mod', [i64([-(2n ** 62n) - 1n]), i64([2n ** 62n])]))).toEqual([2n ** 62n - 1n]);
    expect(nums(await runFirst('Mod', [f32([-4.5, 4.5]), f32([2, -2])], { fmod: 1 }))).toEqual([-0.5, 0.5]);
  });
  it('Pow: exact integers, truncated integer base with float exponent, C pow corner cases', async () => {
    expect(elements(await runFirst('Pow', [i64([3n]), i64([39n])]))).toEqual([3n ** 39n]);
    expect(elements(await runFirst('Pow', [i32([2, 3]), f32([0.5, 2])]))).toEqual([1, 9]);
    expect(nums(await runFirst('Pow', [f32([1, -1, 2]), f32([NaN, Infinity, -1])]))).toEqual([1, 1, 0.5]);
    expect(elements(await runFirst('Pow', [new Tensor('uint8', [2], [1]), new Tensor('uint8', [9], [1])]))).toEqual([0]);
  });
  it('BitShift: shifts past the width give 0, uint64 exact', async () => {
    const u32 = (d: number[]) => new Tensor('uint32', d, [d.length]);
    expect(elements(await runFirst('BitShift', [u32([1, 0xffffffff, 8]), u32([31, 32, 3])], { direction: 'LEFT' }))).toEqual([2 ** 31, 0, 64]);
    expect(elements(await runFirst('BitShift', [u32([0xffffffff]), u32([4])], { direction: 'RIGHT' }))).toEqual([0x0fffffff]);
    const u64 = new Tensor('uint64', [2n ** 63n], [1]);
    expect(elements(await runFirst('BitShift', [u64, new Tensor('uint64', [1n], [1])], { direction: 'RIGHT' }))).toEqual([2n ** 62n]);
  });
  it('bitwise ops keep all bits', async () => {
    const u64 = (d: bigint[]) => new Tensor('uint64', d, [d.length]);
    expect(elements(await runFirst('BitwiseXor', [u64([2n ** 64n - 1n]), u64([1n])]))).toEqual([2n ** 64n - 2n]);
    expect(elements(await runFirst('BitwiseNot', [new Tensor('uint8', [5], [1])]))).toEqual([250]);
    expect(elements(await runFirst('BitwiseAnd', [i32([-1]), i32([0x7ffffff0])]))).toEqual([0x7ffffff0]);
  });
});

describe('comparisons and logic', () => {
  it('int64 comparisons are exact near 2^63', async () => {
    const a = i64([2n ** 63n - 1n]);
    const b = i64([2n ** 63n - 2n]);
    expect(elements(await runFirst('Equal', [a, b]))).toEqual([0]);
    expect(elements(await runFirst('Greater', [a, b]))).toEqual([1]);
    expect(elements(await runFirst('LessOrEqual', [a, b]))).toEqual([0]);
  });
  it('Equal on strings broadcasts', async () => {
    const y = await runFirst('Equal', [new Tensor('string', ['a', 'b', 'c'], [3]), new Tensor('string', ['b'], [1])]);
    expect(elements(y)).toEqual([0, 1, 0]);
  });
  it('NaN compares false', async () => {
    expect(elements(await runFirst('GreaterOrEqual', [f32([NaN, 1]), f32([NaN, 1])]))).toEqual([0, 1]);
  });
  it('Xor / Not', async () => {
    const a = new Tensor('bool', [true, true, false, false], [4]);
    const b = new Tensor('bool', [true, false, true, false], [4]);
    expect(elements(await runFirst('Xor', [a, b]))).toEqual([0, 1, 1, 0]);
    expect(elements(await runFirst('Not', [a]))).toEqual([0, 0, 1, 1]);
  });
});

describe('variadic', () => {
  it('Max propagates NaN and broadcasts three inputs', async () => {
    const y = await runFirst('Max', [f32([1, NaN], [2, 1]), f32([0, 5, 2], [3]), f32([3])]);
    expect(y.dims).toEqual([2, 3]);
    expect(nums(y)).toEqual([3, 5, 3, NaN, NaN, NaN]);
  });
  it('Min on int64 and Mean / Sum', async () => {
    expect(elements(await runFirst('Min', [i64([2n ** 62n + 1n]), i64([2n ** 62n])]))).toEqual([2n ** 62n]);
    expect(nums(await runFirst('Mean', [f32([1, 2]), f32([2, 4]), f32([3, 9])]))).toEqual([2, 5]);
    expect(nums(await runFirst('Sum', [f32([1, 2])]))).toEqual([1, 2]);
  });
});

describe('unary math and activations', () => {
  it('Round is half to even', async () => {
    expect(nums(await runFirst('Round', [f32([0.5, 1.5, 2.5, -0.5, -1.5, 2.6, -2.4])]))).toEqual([0, 2, 2, -0, -2, 3, -2]);
  });
  it('Sign, Abs and Neg on int64 stay exact', async () => {
    expect(nums(await runFirst('Sign', [f32([-2, 0, 3, NaN])]))).toEqual([-1, 0, 1, NaN]);
    expect(elements(await runFirst('Abs', [i64([-(2n ** 62n) - 1n])]))).toEqual([2n ** 62n + 1n]);
    expect(elements(await runFirst('Neg', [i64([2n ** 62n + 1n])]))).toEqual([-(2n ** 62n) - 1n]);
  });
  it('IsInf honours detect_positive/detect_negative; IsNaN', async () => {
    const x = f32([Infinity, -Infinity, NaN, 1]);
    expect(elements(await runFirst('IsInf', [x]))).toEqual([1, 1, 0, 0]);
    expect(elements(await runFirst('IsInf', [x], { detect_positive: 0 }))).toEqual([0, 1, 0, 0]);
    expect(elements(await runFirst('IsNaN', [x]))).toEqual([0, 0, 1, 0]);
  });
  it('Erf and Gelu', async () => {
    const e = nums(await runFirst('Erf', [new Tensor('float64', [0.5, -1, 3, 10], [4])]));
    expect(e[0]).toBeCloseTo(0.5204998778130465, 15);
    expect(e[1]).toBeCloseTo(-0.8427007929497149, 15);
    expect(e[2]).toBeCloseTo(0.9999779095030014, 15);
    expect(e[3]).toBe(1);
    const g = nums(await runFirst('Gelu', [new Tensor('float64', [1], [1])], { approximate: 'tanh' }));
    expect(g[0]).toBeCloseTo(0.8411919906082768, 12);
  });
  it('activations with attributes', async () => {
    const x = new Tensor('float64', [-2, 0, 3], [3]);
    expect(nums(await runFirst('LeakyRelu', [x], { alpha: 0.5 }))).toEqual([-1, 0, 3]);
    expect(nums(await runFirst('ThresholdedRelu', [x], { alpha: 2 }))).toEqual([0, 0, 3]);
    expect(nums(await runFirst('HardSwish', [x]))).toEqual([-2 * (1 / 6 * -2 + 0.5), 0, 3]);
    expect(nums(await runFirst('Shrink', [x], { lambd: 1, bias: 0.5 }))).toEqual([-1.5, 0, 2.5]);
    const celu = nums(await runFirst('Celu', [x], { alpha: 2 }));
    expect(celu[0]).toBeCloseTo(2 * Math.expm1(-1), 15);
    const sp = nums(await runFirst('Softplus', [new Tensor('float64', [1000, -1000], [2])]));
    expect(sp).toEqual([1000, 0]);
  });
  it('Relu on int8 and float16', async () => {
    expect(elements(await runFirst('Relu', [new Tensor('int8', [-3, 4], [2])]))).toEqual([0, 4]);
    expect(nums(await runFirst('Relu', [new Tensor('float16', [0xbc00, 0x3c00], [2])]))).toEqual([0, 1]);
  });
});

describe('Clip, Where, PRelu, SwiGLU', () => {
  it('Clip with attributes (opset 6) and optional inputs (opset 13)', async () => {
    expect(nums(await runFirst('Clip', [f32([-5, 0, 5])], { min: -1, max: 1 }, { opset: 6 }))).toEqual([-1, 0, 1]);
    expect(nums(await runFirst('Clip', [f32([-5, 0, 5]), undefined, f32([2], [])], {}, { opset: 13 }))).toEqual([-5, 0, 2]);
    expect(nums(await runFirst('Clip', [f32([-5, 0, 5]), f32([3], []), f32([1], [])], {}, { opset: 13 }))).toEqual([1, 1, 1]);
    expect(elements(await runFirst('Clip', [i64([2n ** 62n + 5n]), i64([0n], []), i64([2n ** 62n + 1n], [])], {}, { opset: 13 }))).toEqual([2n ** 62n + 1n]);
    await expectKilnError(runFirst('Clip', [f32([1, 2]), f32([0, 1], [2])], {}, { opset: 13 }), 'E_SHAPE_MISMATCH');
  });
  it('Where broadcasts any element type', async () => {
    const c = new Tensor('bool', [true, false], [2, 1]);
    const y = await runFirst('Where', [c, new Tensor('string', ['x'], [1]), new Tensor('string', ['p', 'q'], [2])]);
    expect(y.dims).toEqual([2, 2]);
    expect(elements(y)).toEqual(['x', 'x', 'p', 'q']);
    const y4 = await runFirst('Where', [c, new Tensor('int4', [0x21], [2]), new Tensor('int4', [0xff], [2])]);
    expect(nums(y4)).toEqual([1, 2, -1, -1]);
  });
  it('PRelu: per-channel slope in opset 6, numpy broadcasting after', async () => {
    const x = f32([-1, -1, -1, -1, 2, 2, 2, 2], [1, 2, 2, 2]);
    const old = await runFirst('PRelu', [x, f32([0.5, 0.25])], {}, { opset: 6 });
    expect(nums(old)).toEqual([-0.5, -0.5, -0.5, -0.5, 2, 2, 2, 2]);
    const now = await runFirst('PRelu', [x, f32([0.5, 0.25])], {}, { opset: 16 });
    expect(nums(now)).toEqual([-0.5, -0.25, -0.5, -0.25, 2, 2, 2, 2]);
    await expectKilnError(runFirst('PRelu', [f32([1, 2]), f32([1, 2, 3])], {}, { opset: 16 }), 'E_SHAPE_MISMATCH');
  });
  it('SwiGLU = Swish(a, alpha) * b', async () => {
    const y = nums(await runFirst('SwiGLU', [new Tensor('float64', [1], [1]), new Tensor('float64', [2, 3], [2])], { alpha: 0.5 }, { opset: 28 }));
    const s = 1 / (1 + Math.exp(-0.5));
    expect(y[0]).toBeCloseTo(2 * s, 15);
    expect(y[1]).toBeCloseTo(3 * s, 15);
  });
});

describe('Cast', () => {
  const cast = (x: Tensor, to: number, attrs: Record<string, unknown> = {}) => runFirst('Cast', [x], { to, ...attrs });
  it('int64 → float32 rounds once, correctly', async () => {
    // 2^60 + 2^36 + 1 lies just above a float32 halfway point; via a double it would round down.
    expect(nums(await cast(i64([2n ** 60n + 2n ** 36n + 1n]), 1))).toEqual([2 ** 60 + 2 ** 37]);
  });
  it('float → int truncates and wraps; bool is x != 0', async () => {
    expect(elements(await cast(f32([300.7, -1.9, 127.5]), 3))).toEqual([44, -1, 127]);
    expect(elements(await cast(f32([0, -0, 0.1, NaN]), 9))).toEqual([0, 0, 1, 1]);
    expect(elements(await cast(new Tensor('bool', [true, false], [2]), 7))).toEqual([1n, 0n]);
    expect(elements(await cast(i64([2n ** 40n + 7n]), 6))).toEqual([7]);
  });
  it('numbers → strings, and back', async () => {
    const s = await cast(f32([0.1, -2.5, NaN, Infinity, -Infinity, 1e-7]), 8);
    expect(elements(s)).toEqual(['0.1', '-2.5', 'NaN', 'INF', '-INF', '1e-7']);
    expect(elements(await cast(i64([-(2n ** 63n)]), 8))).toEqual(['-9223372036854775808']);
    const back = await cast(new Tensor('string', ['0.1', '-INF', 'nan', ' 1e3 ', '+inf'], [5]), 1);
    expect(nums(back)).toEqual([Math.fround(0.1), -Infinity, NaN, 1000, Infinity]);
    expect(elements(await cast(new Tensor('string', ['9223372036854775807', '-3.7'], [2]), 7))).toEqual([2n ** 63n - 1n, -3n]);
    expect(elements(await cast(new Tensor('string', ['true', '0', 'False', '2'], [4]), 9))).toEqual([1, 0, 0, 1]);
    await expectKilnError(cast(new Tensor('string', ['hello'], [1]), 1), 'E_INPUT_INVALID');
  });
  it('float8: saturate or not; fnuz and float4e2m1 specials as the ONNX reference', async () => {
    const x = f32([1e6, -Infinity, NaN]);
    expect(nums(await cast(x, 17))).toEqual([448, -448, NaN]);
    expect(nums(await cast(x, 17, { saturate: 0 }))).toEqual([NaN, NaN, NaN]);
    expect(nums(await cast(x, 19, { saturate: 0 }))).toEqual([Infinity, -Infinity, NaN]);
    expect(nums(await cast(x, 18))).toEqual([240, -240, NaN]);
    const f4 = await cast(f32([NaN, 7, -0.3]), 23);
    expect(Array.from(f4.data as Uint8Array)).toEqual([0x78, 0x09]); // NaN → 0x8, 7 → 6 (0x7), -0.3 → -0.5 (0x9)
  });
  it('float8e8m0 round_mode', async () => {
    const x = f32([3.5, 0.3]);
    expect(nums(await cast(x, 24))).toEqual([4, 0.5]);
    expect(nums(await cast(x, 24, { round_mode: 'down' }))).toEqual([2, 0.25]);
    expect(nums(await cast(x, 24, { round_mode: 'nearest' }))).toEqual([4, 0.25]);
  });
  it('CastLike takes the second input type; unknown `to` is an error', async () => {
    const y = await runFirst('CastLike', [f32([1.5]), new Tensor('int16', [], [0])]);
    expect(y.type).toBe('int16');
    expect(elements(y)).toEqual([1]);
    await expectKilnError(cast(f32([1]), 99), 'E_TYPE_UNSUPPORTED');
  });
  it('BitCast reinterprets bits of the same width', async () => {
    expect(elements(await runFirst('BitCast', [f32([1, -2])], { to: 6 }, { opset: 26 }))).toEqual([0x3f800000, -1073741824]);
    expect(elements(await runFirst('BitCast', [new Tensor('int8', [-1], [1])], { to: 2 }, { opset: 26 }))).toEqual([255]);
    await expectKilnError(runFirst('BitCast', [f32([1])], { to: 7 }, { opset: 26 }), 'E_TYPE_UNSUPPORTED');
  });
});

describe('Identity and Dropout', () => {
  it('Identity passes sequences through', async () => {
    const seq = [f32([1]), f32([2, 3])];
    const [y] = await runOp('Identity', [seq]);
    expect(y).toBe(seq);
  });
  it('Dropout in inference: identity and an all-true mask', async () => {
    const x = f32([1, 2, 3]);
    const [y, mask] = (await runOp('Dropout', [x, f32([0.7], [])], {}, { opset: 13, outputs: 2 })) as Tensor[];
    expect(nums(y!)).toEqual([1, 2, 3]);
    expect(mask!.type).toBe('bool');
    expect(elements(mask!)).toEqual([1, 1, 1]);
    const [, oldMask] = (await runOp('Dropout', [x], { ratio: 0.5 }, { opset: 7, outputs: 2 })) as Tensor[];
    expect(oldMask!.type).toBe('float32');
  });
  it('Dropout in training mode drops and rescales, reproducibly with a seed', async () => {
    const x = f32(Array.from({ length: 1000 }, () => 1));
    const train = new Tensor('bool', [true], []);
    const r = f32([0.2], []);
    const [y, mask] = (await runOp('Dropout', [x, r, train], { seed: 7 }, { opset: 13, outputs: 2 })) as Tensor[];
    const ys = nums(y!);
    const ms = elements(mask!);
    ys.forEach((v, i) => expect(v).toBeCloseTo(ms[i] ? 1.25 : 0, 6));
    const kept = ms.filter(Boolean).length;
    expect(kept).toBeGreaterThan(700);
    expect(kept).toBeLessThan(900);
    const [y2] = (await runOp('Dropout', [x, r, train], { seed: 7 }, { opset: 13 })) as Tensor[];
    expect(nums(y2!)).toEqual(ys);
    await expectKilnError(runOp('Dropout', [x, f32([1], []), train], {}, { opset: 13 }), 'E_INPUT_INVALID');
  });
});

describe('bad input', () => {
  it('type errors', async () => {
    await expectKilnError(runFirst('Add', [f32([1]), i32([1])]), 'E_TYPE_UNSUPPORTED');
    await expectKilnError(runFirst('Sqrt', [i32([4])]), 'E_TYPE_UNSUPPORTED');
    await expectKilnError(runFirst('And', [f32([1]), f32([1])]), 'E_TYPE_UNSUPPORTED');
    await expectKilnError(runFirst('BitShift', [i32([1]), i32([1])], { direction: 'LEFT' }), 'E_TYPE_UNSUPPORTED');
    await expectKilnError(runFirst('Where', [f32([1]), f32([1]), f32([1])]), 'E_TYPE_UNSUPPORTED');
    await expectKilnError(runFirst('Max', [f32([1]), new Tensor('float64', [1], [1])]), 'E_TYPE_UNSUPPORTED');
  });
  it('shape errors', async () => {
    await expectKilnError(runFirst('Mul', [f32([1, 2]), f32([1, 2, 3])]), 'E_SHAPE_MISMATCH');
    await expectKilnError(runFirst('Sum', [f32([1, 2]), f32([1]), f32([1, 2, 3])]), 'E_SHAPE_MISMATCH');
    await expectKilnError(runFirst('Add', [f32([1, 2]), f32([1, 2, 3])], { broadcast: 1 }, { opset: 6 }), 'E_SHAPE_MISMATCH');
  });
  it('bad attributes', async () => {
    await expectKilnError(runFirst('Gelu', [f32([1])], { approximate: 'fast' }), 'E_MODEL_INVALID');
    await expectKilnError(runFirst('BitShift', [new Tensor('uint8', [1], [1]), new Tensor('uint8', [1], [1])], { direction: 'UP' }), 'E_MODEL_INVALID');
    await expectKilnError(runFirst('Mod', [i32([1]), i32([1])], { fmod: 2 }), 'E_MODEL_INVALID');
  });
});
