import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { int64Tensor } from '../../src/engine/elements.js';
import { runOp, type RunOpOptions } from '../helpers/run-op.js';
import { errorCode, expectClose, f32, nums, runFirst, str, strs } from '../helpers/op-test-utils.js';

/** Absolute tolerance of this file's closeness checks. */
const TOL = 1e-5;

describe('NonMaxSuppression', () => {
  const boxes = f32([0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, 5, 1, 6], [1, 3, 4]);
  const scores = f32([0.9, 0.95, 0.1], [1, 1, 3]);
  const nms = (...extra: Tensor[]) => runFirst('NonMaxSuppression', [boxes, scores, ...extra], {}, { opset: 11 });
  it('keeps the best box of each overlapping group, best first', async () => {
    const y = await nms(int64Tensor([5], [1]), f32([0.5], [1]));
    expect(y.dims).toEqual([2, 3]);
    expect(nums(y)).toEqual([0, 0, 1, 0, 0, 2]);
  });
  it('applies the score threshold, and max_output_boxes_per_class 0 (the default) selects nothing', async () => {
    expect(nums(await nms(int64Tensor([5], [1]), f32([0.5], [1]), f32([0.2], [1])))).toEqual([0, 0, 1]);
    expect((await nms()).dims).toEqual([0, 3]);
  });
  it('center_point_box reads [x_center, y_center, width, height]', async () => {
    const b = f32([0.5, 0.5, 1, 1, 0.5, 0.6, 1, 1], [1, 2, 4]);
    const y = await runFirst('NonMaxSuppression', [b, f32([0.5, 0.9], [1, 1, 2]), int64Tensor([2], [1]), f32([0.5], [1])], { center_point_box: 1 }, { opset: 11 });
    expect(nums(y)).toEqual([0, 0, 1]);
  });
  it('rejects boxes and scores that disagree', async () => {
    expect(await errorCode(runOp('NonMaxSuppression', [boxes, f32([1, 2], [1, 1, 2])], {}, { opset: 11 }))).toBe('E_SHAPE_MISMATCH');
  });
});

describe('random generators', () => {
  it('a seed makes runs repeat; draws respect shape, type and range', async () => {
    const a = await runFirst('RandomUniform', [], { shape: [3, 4], low: 2, high: 3, seed: 5, dtype: 11 });
    const b = await runFirst('RandomUniform', [], { shape: [3, 4], low: 2, high: 3, seed: 5, dtype: 11 });
    expect(a.type).toBe('float64');
    expect(a.dims).toEqual([3, 4]);
    expect(nums(a)).toEqual(nums(b));
    for (const v of nums(a)) expect(v >= 2 && v < 3).toBe(true);
    const n = await runFirst('RandomNormalLike', [f32(new Array(2000).fill(0))], { mean: 10, scale: 0.5, seed: 1 });
    const m = nums(n).reduce((s, v) => s + v, 0) / 2000;
    expect(Math.abs(m - 10)).toBeLessThan(0.1);
  });
  it('Bernoulli with p = 0 and p = 1 is certain; p outside [0, 1] is an error', async () => {
    expect(nums(await runFirst('Bernoulli', [f32([0, 1, 0, 1])]))).toEqual([0, 1, 0, 1]);
    expect(await errorCode(runOp('Bernoulli', [f32([1.5])]))).toBe('E_INPUT_INVALID');
  });
  it('Multinomial draws the only likely class', async () => {
    const y = await runFirst('Multinomial', [f32([-100, 50, -100, 0, -100, -100], [2, 3])], { sample_size: 4, dtype: 7 });
    expect(y.type).toBe('int64');
    expect(nums(y)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
  });
});

describe('strings', () => {
  it('StringNormalizer drops stopwords case-insensitively and changes case', async () => {
    const y = await runFirst('StringNormalizer', [str(['Apple', 'pie', 'APPLE'])], { stopwords: ['apple'], case_change_action: 'UPPER' });
    expect(strs(y)).toEqual(['PIE']);
  });
  it('StringConcat broadcasts', async () => {
    expect(strs(await runFirst('StringConcat', [str(['a', 'b'], [2, 1]), str(['x', 'y'])]))).toEqual(['ax', 'ay', 'bx', 'by']);
  });
  it('StringSplit with a delimiter keeps empty pieces; maxsplit leaves the rest whole', async () => {
    const [parts, lens] = (await runOp('StringSplit', [str(['a,,b', 'c'])], { delimiter: ',' }, { outputs: 2 })) as Tensor[];
    expect(parts!.dims).toEqual([2, 3]);
    expect(strs(parts)).toEqual(['a', '', 'b', 'c', '', '']);
    expect(nums(lens)).toEqual([3, 1]);
    const [p2] = (await runOp('StringSplit', [str(['  x  y z '])], { maxsplit: 1 }, { outputs: 2 })) as Tensor[];
    expect(strs(p2)).toEqual(['x', 'y z ']);
  });
  it('RegexFullMatch translates RE2 syntax: named groups, flags, \\A/\\z, POSIX classes', async () => {
    const run = async (pattern: string, xs: string[]) => nums(await runFirst('RegexFullMatch', [str(xs)], { pattern }));
    expect(await run('(?P<user>\\w+)@example\\.com', ['bob@example.com', 'bob@example.org'])).toEqual([1, 0]);
    expect(await run('(?i)abc', ['ABC', 'abd'])).toEqual([1, 0]);
    expect(await run('\\Aa.c\\z', ['abc', 'a\nc'])).toEqual([1, 0]);
    expect(await run('[[:digit:]]+-[[:alpha:]]', ['12-x', '12-3'])).toEqual([1, 0]);
    expect(await run('a\\-b', ['a-b'])).toEqual([1]);
    expect(await errorCode(runOp('RegexFullMatch', [str(['aa'])], { pattern: '(a)\\1' }))).toBe('E_MODEL_INVALID');
    expect(await errorCode(runOp('RegexFullMatch', [str(['aa'])], { pattern: 'a(?=a)' }))).toBe('E_MODEL_INVALID');
  });
  it('TfIdfVectorizer: IDF and TFIDF weights over a string pool', async () => {
    const attrs = { min_gram_length: 1, max_gram_length: 2, max_skip_count: 0, ngram_counts: [0, 2], ngram_indexes: [0, 1, 2], pool_strings: ['a', 'b', 'a', 'b'], weights: [2, 3, 5] };
    const x = str(['a', 'b', 'a', 'b', 'a']);
    expect(nums(await runFirst('TfIdfVectorizer', [x], { ...attrs, mode: 'IDF' }))).toEqual([2, 3, 5]);
    expect(nums(await runFirst('TfIdfVectorizer', [x], { ...attrs, mode: 'TFIDF' }))).toEqual([6, 6, 10]);
    expect(await errorCode(runOp('TfIdfVectorizer', [int64Tensor([1], [1])], { ...attrs, mode: 'TF' }))).toBe('E_TYPE_UNSUPPORTED');
  });
});

describe('ai.onnx.ml', () => {
  const ml = (opset: number): RunOpOptions => ({ domain: 'ai.onnx.ml', opset });
  it('LabelEncoder maps int64 keys to strings with a default; float keys match NaN', async () => {
    const y = await runFirst('LabelEncoder', [int64Tensor([1, 7, 3])], { keys_int64s: [1, 3], values_strings: ['one', 'three'], default_string: '?' }, ml(2));
    expect(strs(y)).toEqual(['one', '?', 'three']);
    const z = await runFirst('LabelEncoder', [f32([NaN, 2])], { keys_floats: [NaN, 2], values_int64s: [7, 8] }, ml(2));
    expect(nums(z)).toEqual([7, 8]);
  });
  it('LabelEncoder opset 1 maps strings to class indices', async () => {
    expect(nums(await runFirst('LabelEncoder', [str(['b', 'z'])], { classes_strings: ['a', 'b'], default_int64: -5 }, ml(1)))).toEqual([1, -5]);
  });
  it('TreeEnsemble averages trees and applies the post transform', async () => {
    const attrs = {
      tree_roots: [0, 1], nodes_featureids: [0, 1], nodes_modes: new Tensor('uint8', [0, 3], [2]), nodes_splits: f32([0.5, 0.5]),
      nodes_truenodeids: [0, 2], nodes_trueleafs: [1, 1], nodes_falsenodeids: [1, 3], nodes_falseleafs: [1, 1],
      leaf_targetids: [0, 1, 0, 1], leaf_weights: f32([1, 2, 3, 4]), n_targets: 2, aggregate_function: 0,
    };
    const x = f32([0, 0, 1, 1], [2, 2]);
    // row 0: tree 0 → leaf 0 (t0 += 1), tree 1 (0 > 0.5 false) → leaf 3 (t1 += 4)
    expectClose(nums(await runFirst('TreeEnsemble', [x], attrs, ml(5))), [0.5, 2, 1.5, 1], TOL);
    const logistic = nums(await runFirst('TreeEnsemble', [x], { ...attrs, post_transform: 2 }, ml(5)));
    expectClose(logistic, [0.5, 2, 1.5, 1].map((v) => 1 / (1 + Math.exp(-v))), TOL);
    expect(await errorCode(runOp('TreeEnsemble', [f32([1], [1, 1])], attrs, ml(5)))).toBe('E_INPUT_INVALID');
  });
  it('ArrayFeatureExtractor gathers the last axis; Binarizer thresholds', async () => {
    const x = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = await runFirst('ArrayFeatureExtractor', [x, int64Tensor([2, 0])], {}, ml(1));
    expect(y.dims).toEqual([2, 2]);
    expect(nums(y)).toEqual([3, 1, 6, 4]);
    expect(await errorCode(runOp('ArrayFeatureExtractor', [x, int64Tensor([3])], {}, ml(1)))).toBe('E_INPUT_INVALID');
    expect(nums(await runFirst('Binarizer', [x], { threshold: 3 }, ml(1)))).toEqual([0, 0, 0, 1, 1, 1]);
  });
});

describe('ai.onnx.preview.training', () => {
  const tr: RunOpOptions = { domain: 'ai.onnx.preview.training', opset: 1 };
  it('Adam corrects the bias once T > 0', async () => {
    const [x, v, h] = (await runOp('Adam', [f32([0.1], []), int64Tensor([2], []), f32([1]), f32([0.5]), f32([0.2]), f32([0.3])],
      { alpha: 0.9, beta: 0.999, epsilon: 1e-6 }, { ...tr, outputs: 3 })) as Tensor[];
    const vn = 0.9 * 0.2 + 0.1 * 0.5;
    const hn = 0.999 * 0.3 + 0.001 * 0.25;
    const r = (0.1 * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    expectClose(nums(v), [vn], TOL);
    expectClose(nums(h), [hn], TOL);
    expectClose(nums(x), [1 - (r * vn) / (Math.sqrt(hn) + 1e-6)], TOL);
  });
  it('Momentum (standard) and Adagrad with decay', async () => {
    const [x, v] = (await runOp('Momentum', [f32([0.5], []), int64Tensor([1], []), f32([2]), f32([1]), f32([3])],
      { alpha: 0.5, beta: 0.25, mode: 'standard', norm_coefficient: 0 }, { ...tr, outputs: 2 })) as Tensor[];
    expectClose(nums(v), [1.75], TOL);
    expectClose(nums(x), [2 - 0.5 * 1.75], TOL);
    const [ax, ah] = (await runOp('Adagrad', [f32([1], []), int64Tensor([1], []), f32([2]), f32([3]), f32([0])],
      { decay_factor: 1, epsilon: 0 }, { ...tr, outputs: 2 })) as Tensor[];
    expectClose(nums(ah), [9], TOL);
    expectClose(nums(ax), [2 - 0.5 * 3 / 3], TOL);
  });
  it('state tensors must match X', async () => {
    expect(await errorCode(runOp('Momentum', [f32([0.5], []), int64Tensor([1], []), f32([2]), f32([1, 1]), f32([3])],
      { alpha: 0.5, beta: 0.25, mode: 'standard', norm_coefficient: 0 }, { ...tr, outputs: 2 }))).toBe('E_SHAPE_MISMATCH');
  });
});

describe('ImageDecoder', () => {
  /** A 2x1 24-bit bottom-up BMP: left pixel red, right pixel blue. */
  function bmp(): Tensor {
    const b = new Uint8Array(54 + 8);
    const dv = new DataView(b.buffer);
    b[0] = 0x42; b[1] = 0x4d;
    dv.setUint32(2, b.length, true);
    dv.setUint32(10, 54, true);
    dv.setUint32(14, 40, true);
    dv.setInt32(18, 2, true);
    dv.setInt32(22, 1, true);
    dv.setUint16(26, 1, true);
    dv.setUint16(28, 24, true);
    b.set([0, 0, 255, 255, 0, 0], 54); // BGR: red, blue
    return new Tensor('uint8', b, [b.length]);
  }
  it('decodes BMP to RGB, BGR and grayscale', async () => {
    const rgb = await runFirst('ImageDecoder', [bmp()], {}, { opset: 20 });
    expect(rgb.dims).toEqual([1, 2, 3]);
    expect(nums(rgb)).toEqual([255, 0, 0, 0, 0, 255]);
    expect(nums(await runFirst('ImageDecoder', [bmp()], { pixel_format: 'BGR' }, { opset: 20 }))).toEqual([0, 0, 255, 255, 0, 0]);
    expect(nums(await runFirst('ImageDecoder', [bmp()], { pixel_format: 'Grayscale' }, { opset: 20 }))).toEqual([76, 29]);
  });
  it('decodes an ASCII PNM with a comment and a maxval of 15', async () => {
    const text = 'P2\n# gray\n2 1\n15\n0 15\n';
    const y = await runFirst('ImageDecoder', [new Tensor('uint8', new TextEncoder().encode(text), [text.length])], {}, { opset: 20 });
    expect(nums(y)).toEqual([0, 0, 0, 255, 255, 255]);
  });
  it('JPEG is reported as unsupported, garbage as invalid', async () => {
    const jpeg = new Tensor('uint8', [0xff, 0xd8, 0xff, 0xe0], [4]);
    expect(await errorCode(runOp('ImageDecoder', [jpeg], {}, { opset: 20 }))).toBe('E_TYPE_UNSUPPORTED');
    expect(await errorCode(runOp('ImageDecoder', [new Tensor('uint8', [1, 2, 3], [3])], {}, { opset: 20 }))).toBe('E_INPUT_INVALID');
  });
});
