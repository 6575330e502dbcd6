import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { runOp } from '../helpers/run-op.js';
import { errorCode, expectClose, f64, i64Scalar, nums, runFirst } from '../helpers/op-test-utils.js';

/** Default absolute tolerance of this file's closeness checks. */
const TOL = 1e-9;

describe('DFT', () => {
  const x = f64([1, 2, 3, 4], [1, 4, 1]);
  it('forward DFT of a real signal, and the inverse round trip', async () => {
    const y = await runFirst('DFT', [x], { axis: 1 }, { opset: 17 });
    expect(y.dims).toEqual([1, 4, 2]);
    expectClose(nums(y), [10, 0, -2, 2, -2, 0, -2, -2], TOL);
    const back = await runFirst('DFT', [y], { axis: 1, inverse: 1 }, { opset: 17 });
    expectClose(nums(back), [1, 0, 2, 0, 3, 0, 4, 0], TOL);
  });
  it('opset 20 takes the axis as an input (default -2) and dft_length pads or truncates', async () => {
    const y = await runFirst('DFT', [x], {}, { opset: 20 });
    expectClose(nums(y), [10, 0, -2, 2, -2, 0, -2, -2], TOL);
    const padded = await runFirst('DFT', [x, i64Scalar(8), i64Scalar(-2)], {}, { opset: 20 });
    expect(padded.dims).toEqual([1, 8, 2]);
    expectClose(nums(padded).slice(0, 2), [10, 0], TOL);
    const cut = await runFirst('DFT', [x, i64Scalar(2)], {}, { opset: 20 });
    expectClose(nums(cut), [3, 0, -1, 0], TOL);
  });
  it('onesided forward (RFFT) and onesided inverse (IRFFT) round-trip an odd length given dft_length', async () => {
    const s = f64([1, 5, 2, 8, 3], [1, 5, 1]);
    const spec = await runFirst('DFT', [s], { onesided: 1 }, { opset: 20 });
    expect(spec.dims).toEqual([1, 3, 2]);
    const back = await runFirst('DFT', [spec, i64Scalar(5)], { onesided: 1, inverse: 1 }, { opset: 20 });
    expect(back.dims).toEqual([1, 5, 1]);
    expectClose(nums(back), [1, 5, 2, 8, 3], TOL);
  });
  it('transforms a complex input along a middle axis', async () => {
    // x[b, k] = i·(k+1) for two batch rows along axis 1
    const c = f64([0, 1, 0, 2, 0, 1, 0, 2], [2, 2, 2]);
    const y = await runFirst('DFT', [c], { axis: 1 }, { opset: 17 });
    expectClose(nums(y), [0, 3, 0, -1, 0, 3, 0, -1], TOL);
  });
  it('rejects a trailing dim other than 1 or 2, the complex axis as the DFT axis, and axis as an input before opset 20', async () => {
    expect(await errorCode(runOp('DFT', [f64([1, 2, 3], [1, 3])], { axis: 0 }, { opset: 17 }))).toBe('E_SHAPE_MISMATCH');
    expect(await errorCode(runOp('DFT', [x], { axis: 2 }, { opset: 17 }))).toBe('E_MODEL_INVALID');
    expect(await errorCode(runOp('DFT', [x, undefined, i64Scalar(1)], {}, { opset: 17 }))).toBe('E_MODEL_INVALID');
  });
});

describe('STFT', () => {
  const sig = f64([1, 2, 3, 4, 5, 6], [1, 6, 1]);
  it('frames the signal by frame_step, applies the window and keeps the one-sided bins', async () => {
    const y = await runFirst('STFT', [sig, i64Scalar(2), f64([1, 0, 1])], {}, { opset: 17 });
    expect(y.dims).toEqual([1, 2, 2, 2]); // frames at 0 and 2; bins 0..1 of a length-3 DFT
    expectClose(nums(y).filter((_, i) => i % 4 === 0), [1 + 3, 3 + 5], TOL); // DC of each windowed frame
  });
  it('frame_length without a window is a rectangular window; both absent is an error', async () => {
    const y = await runFirst('STFT', [sig, i64Scalar(3), undefined, i64Scalar(3)], { onesided: 0 }, { opset: 17 });
    expect(y.dims).toEqual([1, 2, 3, 2]);
    expectClose([nums(y)[0]!, nums(y)[6]!], [6, 15], TOL);
    expect(await errorCode(runOp('STFT', [sig, i64Scalar(3)], {}, { opset: 17 }))).toBe('E_MODEL_INVALID');
  });
  it('a complex signal cannot give a one-sided output', async () => {
    expect(await errorCode(runOp('STFT', [f64([1, 0, 2, 0], [1, 2, 2]), i64Scalar(1), undefined, i64Scalar(2)], {}, { opset: 17 }))).toBe('E_INPUT_INVALID');
  });
});

describe('windows and MelWeightMatrix', () => {
  it('periodic and symmetric windows in the requested type', async () => {
    const hann = await runFirst('HannWindow', [i64Scalar(4)], { output_datatype: 11 }, { opset: 17 });
    expect(hann.type).toBe('float64');
    expectClose(nums(hann), [0, 0.5, 1, 0.5], TOL);
    expectClose(nums(await runFirst('HannWindow', [i64Scalar(3)], { periodic: 0 }, { opset: 17 })), [0, 1, 0], 1e-7);
    expectClose(nums(await runFirst('HammingWindow', [i64Scalar(2)], { output_datatype: 11 }, { opset: 17 })), [4 / 46, 1], TOL);
    expectClose(nums(await runFirst('BlackmanWindow', [i64Scalar(2)], { output_datatype: 11 }, { opset: 17 })), [0, 1], 1e-12);
  });
  it('MelWeightMatrix has [dft_length/2 + 1, num_mel_bins] triangular filters', async () => {
    const i32 = (v: number) => new Tensor('int32', [v], []);
    const m = await runFirst('MelWeightMatrix', [i32(4), i32(64), i32(16000), f64([0], []), f64([8000], [])], {}, { opset: 17 });
    expect(m.dims).toEqual([33, 4]);
    const v = nums(m);
    for (let k = 0; k < 4; k++) expect(Math.max(...v.filter((_, i) => i % 4 === k))).toBe(1); // each filter peaks at 1
    expect(await errorCode(runOp('MelWeightMatrix', [i32(4), i32(64), i32(16000), f64([0], []), f64([16000], [])], {}, { opset: 17 }))).toBe('E_INPUT_INVALID');
  });
});
