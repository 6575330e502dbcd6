import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { runOp } from '../helpers/run-op.js';
import { expectClose, expectKilnError, f32, nums } from '../helpers/op-test-utils.js';

/** Absolute tolerance of this file's closeness checks. */
const TOL = 1e-6;
const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** Transposes the first two axes of a row-major [a, b, ...rest] array. */
function swap01(data: number[], a: number, b: number, rest: number): number[] {
  const out = new Array<number>(data.length);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) for (let k = 0; k < rest; k++) out[(j * a + i) * rest + k] = data[(i * b + j) * rest + k]!;
  return out;
}

// h_t = x_t + 0.5 h_{t-1} with the Affine activation; batch 1 stops after 2 steps.
const X = f32([1, 1, 2, 1, 3, 1], [3, 2, 1]);
const lens = new Tensor('int32', [3, 2], [2]);

describe('RNN', () => {
  it('honours sequence_lens: zero-padded Y, Y_h at the last valid step', async () => {
    const [y, yh] = await runOp('RNN', [X, f32([1], [1, 1, 1]), f32([0.5], [1, 1, 1]), undefined, lens], { hidden_size: 1, activations: ['Affine'], activation_alpha: [1], activation_beta: [0] }, { outputs: 2 });
    expect((y as Tensor).dims).toEqual([3, 1, 2, 1]);
    expectClose(nums(y), [1, 1, 2.5, 1.5, 4.25, 0], TOL);
    expectClose(nums(yh), [4.25, 1.5], TOL);
  });

  it('runs bidirectional, the reverse direction from each sequence end', async () => {
    const [y, yh] = await runOp('RNN', [X, f32([1, 1], [2, 1, 1]), f32([0.5, 0.5], [2, 1, 1]), undefined, lens], { direction: 'bidirectional', activations: ['Affine'], activation_alpha: [1], activation_beta: [0] }, { outputs: 2 });
    // Y [seq, dirs, batch, hidden]
    expectClose(nums(y), [1, 1, 2.75, 1.5, 2.5, 1.5, 3.5, 1, 4.25, 0, 3, 0], TOL);
    expectClose(nums(yh), [4.25, 1.5, 2.75, 1.5], TOL);
  });

  it('rejects sequence_lens beyond the sequence', async () => {
    await expectKilnError(runOp('RNN', [X, f32([1], [1, 1, 1]), f32([0.5], [1, 1, 1]), undefined, new Tensor('int32', [4, 1], [2])], {}, { outputs: 2 }), 'E_INPUT_INVALID');
  });

  it('rejects a W of the wrong shape', async () => {
    await expectKilnError(runOp('RNN', [X, f32([1, 1], [1, 2, 1]), f32([0.5], [1, 1, 1])], { hidden_size: 1 }, { outputs: 2 }), 'E_SHAPE_MISMATCH');
  });

  it('rejects unknown activations and directions', async () => {
    await expectKilnError(runOp('RNN', [X, f32([1], [1, 1, 1]), f32([0.5], [1, 1, 1])], { activations: ['Swish'] }, { outputs: 2 }), 'E_OPSET_UNSUPPORTED');
    await expectKilnError(runOp('RNN', [X, f32([1], [1, 1, 1]), f32([0.5], [1, 1, 1])], { direction: 'sideways' }, { outputs: 2 }), 'E_MODEL_INVALID');
  });
});

describe('GRU', () => {
  // W = [Wz, Wr, Wh] = [0, 0, 1], R = [0, 0, 2], Rb_h = 1, h0 = 1, x = 1: z = r = 0.5.
  const args = [f32([1], [1, 1, 1]), f32([0, 0, 1], [1, 3, 1]), f32([0, 0, 2], [1, 3, 1]), f32([0, 0, 0, 0, 0, 1], [1, 6]), undefined, f32([1], [1, 1, 1])];
  it('applies the reset gate before R_h by default', async () => {
    const [, yh] = await runOp('GRU', args, { hidden_size: 1 }, { outputs: 2 });
    expectClose(nums(yh), [0.5 * Math.tanh(3) + 0.5], TOL);
  });
  it('applies it after R_h with linear_before_reset', async () => {
    const [, yh] = await runOp('GRU', args, { hidden_size: 1, linear_before_reset: 1 }, { outputs: 2 });
    expectClose(nums(yh), [0.5 * Math.tanh(2.5) + 0.5], TOL);
  });
});

describe('LSTM', () => {
  it('clips activation inputs and couples input/forget gates', async () => {
    const [, yh, yc] = await runOp('LSTM', [f32([10], [1, 1, 1]), f32([1, 1, 1, 1], [1, 4, 1]), f32([0, 0, 0, 0], [1, 4, 1]), undefined, undefined, undefined, f32([2], [1, 1, 1])], { hidden_size: 1, clip: 1, input_forget: 1 }, { outputs: 3 });
    const i = sig(1);
    const c = (1 - i) * 2 + i * Math.tanh(1);
    expectClose(nums(yc), [c], TOL);
    expectClose(nums(yh), [sig(1) * Math.tanh(c)], TOL);
  });

  it('layout 1 is layout 0 with batch first', async () => {
    const S = 3, B = 2, I = 2, H = 2;
    const seq = (n: number, k: number) => Array.from({ length: n }, (_, j) => Math.sin(j * k + 1) / 2);
    const x = seq(S * B * I, 1.3);
    const w = f32(seq(4 * H * I, 0.7), [1, 4 * H, I]);
    const r = f32(seq(4 * H * H, 0.9), [1, 4 * H, H]);
    const b = f32(seq(8 * H, 1.1), [1, 8 * H]);
    const h0 = seq(B * H, 0.5);
    const [y0, yh0] = await runOp('LSTM', [f32(x, [S, B, I]), w, r, b, undefined, f32(h0, [1, B, H])], { hidden_size: H }, { outputs: 2 });
    const [y1, yh1] = await runOp('LSTM', [f32(swap01(x, S, B, I), [B, S, I]), w, r, b, undefined, f32(h0, [B, 1, H])], { hidden_size: H, layout: 1 }, { outputs: 2 });
    expect((y1 as Tensor).dims).toEqual([B, S, 1, H]);
    expectClose(nums(y1), swap01(nums(y0), S, B, H), TOL);
    expectClose(nums(yh1), nums(yh0), TOL);
  });

  it('rejects a peephole tensor of the wrong size', async () => {
    await expectKilnError(runOp('LSTM', [f32([1], [1, 1, 1]), f32([1, 1, 1, 1], [1, 4, 1]), f32([0, 0, 0, 0], [1, 4, 1]), undefined, undefined, undefined, undefined, f32([1, 2], [1, 2])], { hidden_size: 1 }, { outputs: 2 }), 'E_SHAPE_MISMATCH');
  });
});
