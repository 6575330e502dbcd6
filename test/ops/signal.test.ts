import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { KilnError } from '../../src/engine/errors.js';
import { int64Tensor, toNumbers } from '../../src/engine/elements.js';
import { runOp, type RunOpOptions } from '../helpers/run-op.js';

const f64 = (v: number[], dims = [v.length]) => new Tensor('float64', v, dims);
const i64 = (v: number) => int64Tensor([v], []);
const nums = (t: unknown) => Array.from(toNumbers(t as Tensor));

async function one(op: string, inputs: (Tensor | undefined)[], attrs: Record<string, unknown> = {}, opts: RunOpOptions = {}): Promise<Tensor> {
  return (await runOp(op, inputs, attrs, opts))[0] as Tensor;
}
async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return (e as KilnError).code;
  }
  throw new Error('expected a KilnError');
}
const close = (got: number[], want: number[], tol = 1e-9) => {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(tol));
};

describe('DFT', () => {
  const x = f64([1, 2, 3, 4], [1, 4, 1]);
  it('forward DFT of a real signal, and the inverse round trip', async () => {
    const y = await one('DFT', [x], { axis: 1 }, { opset: 17 });
    expect(y.dims).toEqual([1, 4, 2]);
    close(nums(y), [10, 0, -2, 2, -2, 0, -2, -2]);
    const back = await one('DFT', [y], { axis: 1, inverse: 1 }, { opset: 17 });
    close(nums(back), [1, 0, 2, 0, 3, 0, 4, 0]);
  });
  it('opset 20 takes the axis as an input (default -2) and dft_length pads or truncates', async () => {
    const y = await one('DFT', [x], {}, { opset: 20 });
    close(nums(y), [10, 0, -2, 2, -2, 0, -2, -2]);
    const padded = await one('DFT', [x, i64(8), i64(-2)], {}, { opset: 20 });
    expect(padded.dims).toEqual([1, 8, 2]);
    close(nums(padded).slice(0, 2), [10, 0]);
    const cut = await one('DFT', [x, i64(2)], {}, { opset: 20 });
    close(nums(cut), [3, 0, -1, 0]);
  });
  it('onesided forward (RFFT) and onesided inverse (IRFFT) round-trip an odd length given dft_length', async () => {
    const s = f64([1, 5, 2, 8, 3], [1, 5, 1]);
    const spec = await one('DFT', [s], { onesided: 1 }, { opset: 20 });
    expect(spec.dims).toEqual([1, 3, 2]);
    const back = await one('DFT', [spec, i64(5)], { onesided: 1, inverse: 1 }, { opset: 20 });
    expect(back.dims).toEqual([1, 5, 1]);
    close(nums(back), [1, 5, 2, 8, 3]);
  });
  it('transforms a complex input along a middle axis', async () => {
    // x[b, k] = i·(k+1) for two batch rows along axis 1
    const c = f64([0, 1, 0, 2, 0, 1, 0, 2], [2, 2, 2]);
    const y = await one('DFT', [c], { axis: 1 }, { opset: 17 });
    close(nums(y), [0, 3, 0, -1, 0, 3, 0, -1]);
  });
  it('rejects a trailing dim other than 1 or 2, the complex axis as the DFT axis, and axis as an input before opset 20', async () => {
    expect(await code(runOp('DFT', [f64([1, 2, 3], [1, 3])], { axis: 0 }, { opset: 17 }))).toBe('E_SHAPE_MISMATCH');
    expect(await code(runOp('DFT', [x], { axis: 2 }, { opset: 17 }))).toBe('E_MODEL_INVALID');
    expect(await code(runOp('DFT', [x, undefined, i64(1)], {}, { opset: 17 }))).toBe('E_MODEL_INVALID');
  });
});

describe('STFT', () => {
  const sig = f64([1, 2, 3, 4, 5, 6], [1, 6, 1]);
  it('frames the signal by frame_step, applies the window and keeps the one-sided bins', async () => {
    const y = await one('STFT', [sig, i64(2), f64([1, 0, 1])], {}, { opset: 17 });
    expect(y.dims).toEqual([1, 2, 2, 2]); // frames at 0 and 2; bins 0..1 of a length-3 DFT
    close(nums(y).filter((_, i) => i % 4 === 0), [1 + 3, 3 + 5]); // DC of each windowed frame
  });
  it('frame_length without a window is a rectangular window; both absent is an error', async () => {
    const y = await one('STFT', [sig, i64(3), undefined, i64(3)], { onesided: 0 }, { opset: 17 });
    expect(y.dims).toEqual([1, 2, 3, 2]);
    close([nums(y)[0]!, nums(y)[6]!], [6, 15]);
    expect(await code(runOp('STFT', [sig, i64(3)], {}, { opset: 17 }))).toBe('E_MODEL_INVALID');
  });
  it('a complex signal cannot give a one-sided output', async () => {
    expect(await code(runOp('STFT', [f64([1, 0, 2, 0], [1, 2, 2]), i64(1), undefined, i64(2)], {}, { opset: 17 }))).toBe('E_INPUT_INVALID');
  });
});

describe('windows and MelWeightMatrix', () => {
  it('periodic and symmetric windows in the requested type', async () => {
    const hann = await one('HannWindow', [i64(4)], { output_datatype: 11 }, { opset: 17 });
    expect(hann.type).toBe('float64');
    close(nums(hann), [0, 0.5, 1, 0.5]);
    close(nums(await one('HannWindow', [i64(3)], { periodic: 0 }, { opset: 17 })), [0, 1, 0], 1e-7);
    close(nums(await one('HammingWindow', [i64(2)], { output_datatype: 11 }, { opset: 17 })), [4 / 46, 1]);
    close(nums(await one('BlackmanWindow', [i64(2)], { output_datatype: 11 }, { opset: 17 })), [0, 1], 1e-12);
  });
  it('MelWeightMatrix has [dft_length/2 + 1, num_mel_bins] triangular filters', async () => {
    const i32 = (v: number) => new Tensor('int32', [v], []);
    const m = await one('MelWeightMatrix', [i32(4), i32(64), i32(16000), f64([0], []), f64([8000], [])], {}, { opset: 17 });
    expect(m.dims).toEqual([33, 4]);
    const v = nums(m);
    for (let k = 0; k < 4; k++) expect(Math.max(...v.filter((_, i) => i % 4 === k))).toBe(1); // each filter peaks at 1
    expect(await code(runOp('MelWeightMatrix', [i32(4), i32(64), i32(16000), f64([0], []), f64([16000], [])], {}, { opset: 17 }))).toBe('E_INPUT_INVALID');
  });
});
