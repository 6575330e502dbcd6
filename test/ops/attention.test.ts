import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { runOp } from '../helpers/run-op.js';
import { expectClose, expectKilnError, f32, nums } from '../helpers/op-test-utils.js';

/** Absolute tolerance of this file's closeness checks. */
const TOL = 1e-5;
const seq = (n: number, k: number) => Array.from({ length: n }, (_, j) => Math.sin(j * k + 1));

const att = (inputs: (Tensor | undefined)[], attrs: Record<string, unknown> = {}, outputs = 1, opset = 23) =>
  runOp('Attention', inputs, attrs, { opset, outputs });

describe('Attention', () => {
  const Q = f32([1, 0], [1, 1, 1, 2]);
  const K = f32([1, 0, 0, 1], [1, 1, 2, 2]);
  const V = f32([10, 20], [1, 1, 2, 1]);

  it('computes softmax(QK^T / sqrt(d)) V', async () => {
    const [y] = await att([Q, K, V]);
    const e = Math.exp(1 / Math.SQRT2);
    expectClose(nums(y), [(10 * e + 20) / (e + 1)], TOL);
  });

  it('zeroes a fully masked row (Y and the mode-3 output)', async () => {
    const mask = new Tensor('bool', [false, false], [1, 2]);
    const [y, , , qk] = await att([Q, K, V, mask], { qk_matmul_output_mode: 3 }, 4);
    expect(nums(y)).toEqual([0]);
    expect(nums(qk)).toEqual([0, 0]);
  });

  it('pads a short mask with -inf and reports the biased scores in mode 2', async () => {
    const mask = f32([0.5], [1, 1]);
    const [y, , , qk] = await att([Q, K, V, mask], { qk_matmul_output_mode: 2, scale: 1 }, 4);
    expectClose(nums(y), [10], TOL);
    expectClose(nums(qk), [1.5, -Infinity], TOL);
  });

  it('concatenates past and new keys, with a bottom-right causal mask', async () => {
    const pk = f32([0, 0, 5, 5], [1, 1, 2, 2]);
    const pv = f32([1, 2], [1, 1, 2, 1]);
    const k1 = f32([1, 0], [1, 1, 1, 2]);
    const v1 = f32([3], [1, 1, 1, 1]);
    const [y, presentK, presentV] = await att([Q, k1, v1, undefined, pk, pv], { is_causal: 1, scale: 1 }, 3);
    expect((presentK as Tensor).dims).toEqual([1, 1, 3, 2]);
    expect(nums(presentK)).toEqual([0, 0, 5, 5, 1, 0]);
    expect(nums(presentV)).toEqual([1, 2, 3]);
    // offset = past length 2: the single query sees all three keys (scores 0, 5, 1).
    const w = [1, Math.exp(5), Math.exp(1)];
    const s = w[0]! + w[1]! + w[2]!;
    expectClose(nums(y), [(w[0]! * 1 + w[1]! * 2 + w[2]! * 3) / s], TOL);
  });

  it('aligns causal masking top-left without a cache', async () => {
    const [y] = await att([Q, K, V], { is_causal: 1 });
    expectClose(nums(y), [10], TOL); // query 0 sees key 0 only
  });

  it('shares each KV head across a group of query heads (GQA)', async () => {
    const q = f32(seq(2 * 3 * 4, 0.3), [1, 2, 3, 4]);
    const k = f32(seq(5 * 4, 0.7), [1, 1, 5, 4]);
    const v = f32(seq(5 * 2, 1.1), [1, 1, 5, 2]);
    const [gqa] = await att([q, k, v]);
    const kk = f32([...nums(k), ...nums(k)], [1, 2, 5, 4]);
    const vv = f32([...nums(v), ...nums(v)], [1, 2, 5, 2]);
    const [mha] = await att([q, kk, vv]);
    expectClose(nums(gqa), nums(mha), TOL);
  });

  it('3-D inputs match the 4-D computation', async () => {
    // 2 heads of size 2, q_seq 1, kv_seq 2: 3-D rows are [head0 | head1].
    const q4 = seq(4, 0.4);
    const k4 = seq(8, 0.9);
    const v4 = seq(8, 1.7);
    const to3 = (x: number[], s: number) => { // (1, 2, s, 2) -> (1, s, 4)
      const out: number[] = [];
      for (let t = 0; t < s; t++) for (let h = 0; h < 2; h++) out.push(x[(h * s + t) * 2]!, x[(h * s + t) * 2 + 1]!);
      return out;
    };
    const [y4] = await att([f32(q4, [1, 2, 1, 2]), f32(k4, [1, 2, 2, 2]), f32(v4, [1, 2, 2, 2])]);
    const [y3] = await att([f32(to3(q4, 1), [1, 1, 4]), f32(to3(k4, 2), [1, 2, 4]), f32(to3(v4, 2), [1, 2, 4])], { q_num_heads: 2, kv_num_heads: 2 });
    expect((y3 as Tensor).dims).toEqual([1, 1, 4]);
    expectClose(nums(y3), to3(nums(y4), 1), TOL);
  });

  it('rejects 3-D inputs without head counts', async () => {
    await expectKilnError(att([f32([1, 2], [1, 1, 2]), f32([1, 2], [1, 1, 2]), f32([1, 2], [1, 1, 2])]), 'E_MODEL_INVALID');
  });

  it('rejects a mask that does not broadcast', async () => {
    await expectKilnError(att([Q, K, V, f32([0, 0, 0, 0, 0, 0], [3, 2])]), 'E_SHAPE_MISMATCH');
  });

  it('rejects nonpad_kv_seqlen before opset 24 and out-of-range values', async () => {
    await expectKilnError(att([Q, K, V, undefined, undefined, undefined, new Tensor('int64', [1n], [1])]), 'E_MODEL_INVALID');
    await expectKilnError(att([Q, K, V, undefined, undefined, undefined, new Tensor('int64', [3n], [1])], {}, 1, 24), 'E_INPUT_INVALID');
  });
});

describe('RotaryEmbedding', () => {
  const x = f32([1, 2, 3, 4], [1, 1, 1, 4]);
  const quarterTurn = (half: number) => [f32(Array(half).fill(0), [1, 1, half]), f32(Array(half).fill(1), [1, 1, half])];
  it('rotates halves', async () => {
    const [y] = await runOp('RotaryEmbedding', [x, ...quarterTurn(2)], {}, { opset: 23 });
    expectClose(nums(y), [-3, -4, 1, 2], TOL);
  });
  it('rotates interleaved pairs', async () => {
    const [y] = await runOp('RotaryEmbedding', [x, ...quarterTurn(2)], { interleaved: 1 }, { opset: 23 });
    expectClose(nums(y), [-2, 1, -4, 3], TOL);
  });
  it('leaves features past rotary_embedding_dim alone', async () => {
    const [y] = await runOp('RotaryEmbedding', [x, ...quarterTurn(1)], { rotary_embedding_dim: 2 }, { opset: 23 });
    expectClose(nums(y), [-2, 1, 3, 4], TOL);
  });
  it('looks positions up in the cache', async () => {
    const cos = f32([1, 1, 0, 0], [2, 2]);
    const sin = f32([0, 0, 1, 1], [2, 2]);
    const [y] = await runOp('RotaryEmbedding', [x, cos, sin, new Tensor('int64', [1n], [1, 1])], {}, { opset: 23 });
    expectClose(nums(y), [-3, -4, 1, 2], TOL);
  });
  it('rejects out-of-range position ids', async () => {
    await expectKilnError(runOp('RotaryEmbedding', [x, f32([1, 1], [1, 2]), f32([0, 0], [1, 2]), new Tensor('int64', [1n], [1, 1])], {}, { opset: 23 }), 'E_INPUT_INVALID');
  });
});

describe('LinearAttention', () => {
  const q = f32([1, 1], [1, 2, 1]);
  const k = f32([1, 2], [1, 2, 1]);
  const v = f32([3, 4], [1, 2, 1]);
  const heads = { q_num_heads: 1, kv_num_heads: 1 };
  it('linear: S += k v^T', async () => {
    const [o, s] = await runOp('LinearAttention', [q, k, v], { ...heads, update_rule: 'linear' }, { opset: 27, outputs: 2 });
    expectClose(nums(o), [3, 11], TOL);
    expectClose(nums(s), [11], TOL);
  });
  it('gated: decays the state by exp(g) first', async () => {
    const g = f32([Math.log(0.5), Math.log(0.5)], [1, 2, 1]);
    const [o] = await runOp('LinearAttention', [q, k, v, undefined, g], { ...heads, update_rule: 'gated' }, { opset: 27, outputs: 2 });
    expectClose(nums(o), [3, 9.5], TOL);
  });
  it('delta: writes beta (v - S^T k)', async () => {
    const beta = f32([1, 1], [1, 2, 1]);
    const [o] = await runOp('LinearAttention', [q, k, v, undefined, undefined, beta], { ...heads, update_rule: 'delta' }, { opset: 27, outputs: 2 });
    expectClose(nums(o), [3, -1], TOL);
  });
  it('rejects a gated rule without decay', async () => {
    await expectKilnError(runOp('LinearAttention', [q, k, v], { ...heads, update_rule: 'gated' }, { opset: 27, outputs: 2 }), 'E_MODEL_INVALID');
  });
});

describe('FlexAttention', () => {
  it('without modifiers equals Attention (with GQA)', async () => {
    const q = f32(seq(1 * 4 * 3 * 4, 0.3), [1, 4, 3, 4]);
    const k = f32(seq(2 * 5 * 4, 0.7), [1, 2, 5, 4]);
    const v = f32(seq(2 * 5 * 3, 1.1), [1, 2, 5, 3]);
    const [flex] = await runOp('FlexAttention', [q, k, v], { scale: 0.3 }, { domain: 'ai.onnx.preview', opset: 1 });
    const [ref] = await att([q, k, v], { scale: 0.3 });
    expectClose(nums(flex), nums(ref), TOL);
  });
  it('rejects mismatched head sizes', async () => {
    await expectKilnError(runOp('FlexAttention', [f32([1, 2], [1, 1, 1, 2]), f32([1], [1, 1, 1, 1]), f32([1], [1, 1, 1, 1])], {}, { domain: 'ai.onnx.preview', opset: 1 }), 'E_SHAPE_MISMATCH');
  });
});
