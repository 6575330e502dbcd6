import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { runOp } from '../helpers/run-op.js';
import { expectClose, expectKilnError, f32, i64, nums } from '../helpers/op-test-utils.js';

/** Absolute tolerance of this file's closeness checks: what toBeCloseTo(x, 5) allows. */
const TOL = 10 ** -5 / 2;

/** runOp with the opset (default 22) and output count as positional arguments. */
async function run(op: string, inputs: (Tensor | undefined)[], attrs: Record<string, unknown> = {}, opset = 22, outputs?: number) {
  return (await runOp(op, inputs, attrs, { opset, outputs })) as Tensor[];
}

describe('Softmax / LogSoftmax / Hardmax', () => {
  const x = f32([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]);

  it('coerces to 2-D before opset 13 and runs along one axis after', async () => {
    const [old] = await run('Softmax', [x], { axis: 1 }, 11);
    // rows of 4: softmax over [0,1,2,3]
    const e = [0, 1, 2, 3].map(Math.exp);
    const s = e.reduce((a, b) => a + b);
    expectClose(nums(old), [...e.map((v) => v / s), ...e.map((v) => v / s)], TOL);
    const [now] = await run('Softmax', [x], { axis: 1 }, 13);
    const p = 1 / (1 + Math.exp(2)); // pairs two apart
    expectClose(nums(now), [p, p, 1 - p, 1 - p, p, p, 1 - p, 1 - p], TOL);
  });

  it('is stable on large numbers', async () => {
    const [y] = await run('LogSoftmax', [f32([1000, 1000, 1000, 1000], [1, 4])], {}, 13);
    expectClose(nums(y), [1, 1, 1, 1].map(() => -Math.log(4)), TOL);
  });

  it('Hardmax is one-hot at the first maximum', async () => {
    const [y] = await run('Hardmax', [f32([3, 1, 3, 2, 5, 5], [2, 3])], {}, 13);
    expect(nums(y)).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('rejects integer input and a bad axis', async () => {
    await expectKilnError(run('Softmax', [new Tensor('int32', [1, 2], [2])], {}, 13), 'E_TYPE_UNSUPPORTED');
    await expectKilnError(run('Softmax', [f32([1, 2], [2])], { axis: 1 }, 13), 'E_MODEL_INVALID');
  });
});

describe('BatchNormalization', () => {
  const x = f32([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
  const ones = f32([1, 1], [2]);
  const zeros = f32([0, 0], [2]);

  it('normalises with the given statistics in inference', async () => {
    const [y] = await run('BatchNormalization', [x, f32([2, 1], [2]), f32([0, 1], [2]), f32([1, 2], [2]), f32([4, 1], [2])], { epsilon: 0 }, 15);
    expectClose(nums(y), [0, 1, 2, 3, 4, 5, 6, 7].map((_, i) => {
      const c = Math.floor(i / 2) % 2;
      const v = [1, 2, 3, 4, 5, 6, 7, 8][i]!;
      return c === 0 ? ((v - 1) / 2) * 2 : (v - 2) / 1 + 1;
    }), TOL);
  });

  it('supports spatial = 0 (per-activation statistics) before opset 9', async () => {
    const s = f32([1, 1, 1, 1], [2, 2]);
    const [y] = await run('BatchNormalization', [x, s, f32([0, 0, 0, 0], [2, 2]), f32([1, 2, 3, 4], [2, 2]), s], { spatial: 0, epsilon: 0 }, 7);
    expect(nums(y)).toEqual([0, 0, 0, 0, 4, 4, 4, 4]);
  });

  it('computes batch statistics and running averages in training mode', async () => {
    // training_mode 0 with running statistics as outputs is a model error
    await expectKilnError(run('BatchNormalization', [x, ones, zeros, zeros, ones], {}, 14, 3), 'E_MODEL_INVALID');
    const [y2, rm2, rv2] = await run('BatchNormalization', [x, ones, zeros, zeros, ones], { training_mode: 1, momentum: 0.5, epsilon: 0 }, 15, 3);
    // channel 0 holds 1,2,5,6 (mean 3.5, var 4.25); channel 1 holds 3,4,7,8 (mean 5.5, var 4.25)
    expectClose(nums(rm2), [1.75, 2.75], TOL);
    expectClose(nums(rv2), [0.5 + 2.125, 0.5 + 2.125], TOL);
    expectClose(nums(y2), [1, 2, 3, 4, 5, 6, 7, 8].map((v, i) => (v - (Math.floor(i / 2) % 2 ? 5.5 : 3.5)) / Math.sqrt(4.25)), TOL);
  });

  it('before opset 14, extra outputs mean training: running and saved statistics', async () => {
    const outs = await run('BatchNormalization', [x, ones, zeros, zeros, ones], { momentum: 0.5, epsilon: 0 }, 9, 5);
    expect(outs.length).toBe(5);
    expectClose(nums(outs[1]), [1.75, 2.75], TOL);
    expectClose(nums(outs[3]), [3.5, 5.5], TOL);
    expectClose(nums(outs[4]), [4.25, 4.25], TOL);
  });

  it('rejects parameters of the wrong size', async () => {
    await expectKilnError(run('BatchNormalization', [x, f32([1, 1, 1], [3]), zeros, zeros, ones], {}, 15), 'E_SHAPE_MISMATCH');
  });
});

describe('LayerNormalization / RMSNormalization / GroupNormalization / InstanceNormalization', () => {
  it('LayerNormalization gives Y, Mean and InvStdDev, broadcasting scale', async () => {
    const x = f32([1, 2, 3, 4, 0, 0, 4, 4], [2, 4]);
    const [y, mean, inv] = await run('LayerNormalization', [x, f32([2], [1]), f32([1, 1, 1, 1], [1, 4])], { epsilon: 0 }, 17, 3);
    const s = Math.sqrt(1.25);
    expectClose(nums(y), [-1.5 / s * 2 + 1, -0.5 / s * 2 + 1, 0.5 / s * 2 + 1, 1.5 / s * 2 + 1, -1, -1, 3, 3], TOL);
    expect(mean!.dims).toEqual([2, 1]);
    expect(mean!.type).toBe('float32');
    expectClose(nums(mean), [2.5, 2], TOL);
    expectClose(nums(inv), [1 / s, 0.5], TOL);
  });

  it('RMSNormalization divides by the root mean square', async () => {
    const [y] = await run('RMSNormalization', [f32([3, 4, 0, 0], [2, 2]), f32([1, 2], [2])], { epsilon: 0.5 }, 23);
    const r = Math.sqrt(12.5 + 0.5);
    expectClose(nums(y), [3 / r, 8 / r, 0, 0], TOL);
  });

  it('GroupNormalization scales per group in opset 18 and per channel in 21', async () => {
    const x = f32([1, 3, 5, 7], [1, 4, 1]); // 2 groups of 2 channels
    const [a] = await run('GroupNormalization', [x, f32([1, 2], [2]), f32([0, 10], [2])], { num_groups: 2, epsilon: 0 }, 18);
    expectClose(nums(a), [-1, 1, 8, 12], TOL);
    const [b] = await run('GroupNormalization', [x, f32([1, 2, 3, 4], [4]), f32([0, 0, 0, 0], [4])], { num_groups: 2, epsilon: 0 }, 21);
    expectClose(nums(b), [-1, 2, -3, 4], TOL);
    await expectKilnError(run('GroupNormalization', [x, f32([1, 2, 3], [3]), f32([0, 0, 0], [3])], { num_groups: 3 }, 21), 'E_SHAPE_MISMATCH');
  });

  it('InstanceNormalization normalises each (n, c) plane', async () => {
    const [y] = await run('InstanceNormalization', [f32([1, 3, 10, 14], [1, 2, 2]), f32([1, 1], [2]), f32([0, 5], [2])], { epsilon: 0 }, 22);
    expectClose(nums(y), [-1, 1, 4, 6], TOL);
    await expectKilnError(run('InstanceNormalization', [f32([1, 3], [1, 1, 2]), f32([1, 1], [2]), f32([0, 5], [2])], {}, 22), 'E_SHAPE_MISMATCH');
  });
});

describe('LpNormalization / MeanVarianceNormalization / LRN', () => {
  it('LpNormalization leaves a zero vector at zero', async () => {
    const [y] = await run('LpNormalization', [f32([3, 4, 0, 0], [2, 2])], { p: 2 }, 22);
    expectClose(nums(y), [0.6, 0.8, 0, 0], TOL);
    const [z] = await run('LpNormalization', [f32([1, -3], [2])], { p: 1, axis: 0 }, 22);
    expectClose(nums(z), [0.25, -0.75], TOL);
    await expectKilnError(run('LpNormalization', [f32([1], [1])], { p: 3 }, 22), 'E_MODEL_INVALID');
  });

  it('MeanVarianceNormalization gives zero mean and unit variance over the axes', async () => {
    const [y] = await run('MeanVarianceNormalization', [f32([1, 2, 3, 4, 10, 20, 30, 40], [2, 4])], { axes: [1] }, 13);
    const g = nums(y);
    for (const row of [g.slice(0, 4), g.slice(4)]) {
      const m = row.reduce((a, b) => a + b) / 4;
      expect(m).toBeCloseTo(0, 5);
      expect(row.reduce((a, b) => a + (b - m) ** 2, 0) / 4).toBeCloseTo(1, 5);
    }
  });

  it('LRN sums squares over the neighbouring channels', async () => {
    const x = f32([1, 2, 3], [1, 3, 1, 1]);
    const [y] = await run('LRN', [x], { size: 3, alpha: 3, beta: 1, bias: 1 }, 13);
    // c0: 1+4, c1: 1+4+9, c2: 4+9 ; y = x / (1 + sum)
    expectClose(nums(y), [1 / 6, 2 / 15, 3 / 14], TOL);
    await expectKilnError(run('LRN', [x], {}, 13), 'E_MODEL_INVALID');
  });
});

describe('SoftmaxCrossEntropyLoss / NegativeLogLikelihoodLoss', () => {
  const logp = f32([-1, -2, -3, -0.5, -1.5, -2.5], [2, 3]);

  it('NLL: reductions, weights and ignore_index', async () => {
    const [none] = await run('NegativeLogLikelihoodLoss', [logp, i64([2, 0])], { reduction: 'none' });
    expectClose(nums(none), [3, 0.5], TOL);
    const [mean] = await run('NegativeLogLikelihoodLoss', [logp, i64([2, 0]), f32([1, 1, 3], [3])], {});
    expectClose(nums(mean), [(9 + 0.5) / 4], TOL);
    const [ii] = await run('NegativeLogLikelihoodLoss', [logp, i64([2, 0])], { ignore_index: 2, reduction: 'sum' });
    expectClose(nums(ii), [0.5], TOL);
  });

  it('SCE: log_prob output and N-D labels', async () => {
    const x = f32([0, 0, 1, 1], [1, 2, 2]); // N=1, C=2, D=2
    const [loss, lp] = await run('SoftmaxCrossEntropyLoss', [x, i64([0, 1], [1, 2])], { reduction: 'none' }, 13, 2);
    expect(loss!.dims).toEqual([1, 2]);
    const a = Math.log(1 + Math.E);
    expectClose(nums(loss), [a, a - 1], TOL);
    expectClose(nums(lp), [-a, -a, 1 - a, 1 - a], TOL);
  });

  it('mean over only ignored samples is NaN', async () => {
    const [y] = await run('SoftmaxCrossEntropyLoss', [logp, i64([1, 1])], { ignore_index: 1 }, 13);
    expect(nums(y)[0]).toBeNaN();
  });

  it('rejects out-of-range labels, bad shapes and unknown reductions', async () => {
    await expectKilnError(run('NegativeLogLikelihoodLoss', [logp, i64([3, 0])], {}), 'E_INPUT_INVALID');
    await expectKilnError(run('NegativeLogLikelihoodLoss', [logp, i64([0, 0, 0])], {}), 'E_SHAPE_MISMATCH');
    await expectKilnError(run('SoftmaxCrossEntropyLoss', [logp, i64([0, 0])], { reduction: 'max' }, 13), 'E_MODEL_INVALID');
  });
});
