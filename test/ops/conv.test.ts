import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { int64Tensor } from '../../src/engine/elements.js';
import { runOp } from '../helpers/run-op.js';
import { expectKilnError, expectRelClose, nums, product, pseudoRandom, randomF32 } from '../helpers/op-test-utils.js';

/** Default relative tolerance of this file's closeness checks. */
const TOL = 1e-4;

interface Win { strides: number[]; dilations: number[]; pb: number[] }

/** Direct N-D convolution, the definition: no im2col, no packing. */
function naiveConv(x: Tensor, w: Tensor, b: number[] | undefined, group: number, win: Win, outSp: number[]): number[] {
  const xv = nums(x);
  const wv = nums(w);
  const [N, C] = x.dims as [number, number];
  const M = w.dims[0]!;
  const inSp = x.dims.slice(2);
  const k = w.dims.slice(2);
  const Cg = C / group;
  const Mg = M / group;
  const P = product(outSp);
  const KK = product(k);
  const out: number[] = [];
  const unravel = (i: number, dims: number[]) => {
    const r: number[] = [];
    for (let d = dims.length - 1; d >= 0; d--) { r[d] = i % dims[d]!; i = Math.floor(i / dims[d]!); }
    return r;
  };
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) for (let p = 0; p < P; p++) {
    const o = unravel(p, outSp);
    let s = b ? b[m]! : 0;
    const g = Math.floor(m / Mg);
    for (let c = 0; c < Cg; c++) for (let q = 0; q < KK; q++) {
      const kq = unravel(q, k);
      let off = 0;
      let ok = true;
      for (let d = 0; d < inSp.length; d++) {
        const i = o[d]! * win.strides[d]! - win.pb[d]! + kq[d]! * win.dilations[d]!;
        if (i < 0 || i >= inSp[d]!) ok = false;
        off = off * inSp[d]! + i;
      }
      if (ok) s += wv[(m * Cg + c) * KK + q]! * xv[(n * C + g * Cg + c) * product(inSp) + off]!;
    }
    out.push(s);
  }
  return out;
}

describe('Conv', () => {
  const cases: { name: string; x: number[]; w: number[]; group?: number; attrs: Record<string, unknown>; out: number[]; pb: number[] }[] = [
    { name: '2-D, 8 output channels (packed path)', x: [2, 3, 9, 7], w: [8, 3, 3, 2], attrs: { pads: [1, 0, 2, 1], strides: [2, 1] }, out: [5, 7], pb: [1, 0] },
    { name: '2-D dilated', x: [1, 4, 10, 10], w: [5, 4, 3, 3], attrs: { dilations: [2, 3] }, out: [6, 4], pb: [0, 0] },
    { name: 'depthwise (few-rows path)', x: [1, 6, 7, 7], w: [6, 1, 3, 3], group: 6, attrs: { pads: [1, 1, 1, 1] }, out: [7, 7], pb: [1, 1] },
    { name: 'groups with a multiplier', x: [1, 4, 6, 5], w: [8, 2, 2, 2], group: 2, attrs: { strides: [2, 2] }, out: [3, 2], pb: [0, 0] },
    { name: 'pointwise', x: [2, 5, 4, 3], w: [6, 5, 1, 1], attrs: {}, out: [4, 3], pb: [0, 0] },
    { name: '1-D', x: [2, 3, 11], w: [4, 3, 4], attrs: { pads: [2, 1], strides: [3] }, out: [4], pb: [2] },
    { name: '3-D', x: [1, 2, 5, 4, 6], w: [4, 2, 2, 3, 2], attrs: { pads: [1, 0, 1, 0, 1, 0], dilations: [1, 1, 2] }, out: [5, 3, 5], pb: [1, 0, 1] },
    { name: 'SAME_UPPER', x: [1, 2, 6, 5], w: [4, 2, 3, 2], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] }, out: [3, 3], pb: [0, 0] },
    { name: 'SAME_LOWER', x: [1, 2, 6, 5], w: [4, 2, 3, 2], attrs: { auto_pad: 'SAME_LOWER', strides: [2, 2] }, out: [3, 3], pb: [1, 1] },
    { name: 'VALID ignores pads', x: [1, 2, 6, 5], w: [4, 2, 3, 2], attrs: { auto_pad: 'VALID', strides: [2, 2] }, out: [2, 2], pb: [0, 0] },
  ];
  for (const c of cases) {
    it(`matches the direct definition: ${c.name}`, async () => {
      const x = randomF32(c.x, 1);
      const w = randomF32(c.w, 2);
      const group = c.group ?? 1;
      const b = pseudoRandom(c.w[0]!, 3);
      const nd = c.x.length - 2;
      const win = { strides: (c.attrs.strides as number[]) ?? new Array(nd).fill(1), dilations: (c.attrs.dilations as number[]) ?? new Array(nd).fill(1), pb: c.pb };
      const [y] = (await runOp('Conv', [x, w, new Tensor('float32', b, [c.w[0]!])], { ...c.attrs, group })) as Tensor[];
      expect(y!.dims).toEqual([c.x[0], c.w[0], ...c.out]);
      expectRelClose(nums(y), naiveConv(x, w, b, group, win, c.out), TOL);
    });
  }

  it('keeps float64 precision and float16 type', async () => {
    const x = new Tensor('float64', pseudoRandom(2 * 3 * 5 * 5), [2, 3, 5, 5]);
    const w = new Tensor('float64', pseudoRandom(4 * 3 * 3 * 3, 2), [4, 3, 3, 3]);
    const [y] = (await runOp('Conv', [x, w], {})) as Tensor[];
    expect(y!.type).toBe('float64');
    expectRelClose(nums(y), naiveConv(x, w, undefined, 1, { strides: [1, 1], dilations: [1, 1], pb: [0, 0] }, [3, 3]), 1e-12);
    const [h] = (await runOp('Conv', [new Tensor('float16', new Uint16Array([0x3c00, 0x4000]), [1, 1, 2]), new Tensor('float16', new Uint16Array([0x4200]), [1, 1, 1])])) as Tensor[];
    expect(h!.type).toBe('float16');
    expect(nums(h)).toEqual([3, 6]);
  });

  it('rejects bad input', async () => {
    await expectKilnError(runOp('Conv', [randomF32([1, 3, 5, 5]), randomF32([2, 2, 3, 3])]), 'E_SHAPE_MISMATCH'); // channels
    await expectKilnError(runOp('Conv', [randomF32([1, 1, 2, 2]), randomF32([1, 1, 3, 3])]), 'E_SHAPE_MISMATCH'); // kernel too big
    await expectKilnError(runOp('Conv', [randomF32([1, 1, 5, 5]), randomF32([1, 1, 3, 3]), randomF32([2])]), 'E_SHAPE_MISMATCH'); // bias
    await expectKilnError(runOp('Conv', [new Tensor('int32', new Int32Array(4), [1, 1, 2, 2]), new Tensor('int32', new Int32Array(1), [1, 1, 1, 1])]), 'E_TYPE_UNSUPPORTED');
    await expectKilnError(runOp('Conv', [randomF32([1, 1, 5, 5]), randomF32([1, 1, 3, 3])], { auto_pad: 'BOGUS' }), 'E_MODEL_INVALID');
  });
});

describe('ConvInteger / QLinearConv', () => {
  it('pads with the zero point and applies per-channel weight zero points', async () => {
    const x = new Tensor('uint8', [5, 6, 7, 8], [1, 1, 2, 2]);
    const w = new Tensor('uint8', [1, 2, 3, 4, 3, 3, 3, 3], [2, 1, 2, 2]);
    const [y] = (await runOp('ConvInteger', [x, w, new Tensor('uint8', [5], []), new Tensor('uint8', [0, 3], [2])], { pads: [1, 1, 0, 0] }, { opset: 10 })) as Tensor[];
    expect(y!.type).toBe('int32');
    // x - 5 = [0,1,2,3]; channel 0 taps [1,2,3,4] over the padded image, channel 1 all zero.
    expect(nums(y)).toEqual([0, 4, 8, 20, 0, 0, 0, 0]);
  });

  it('QLinearConv rounds half to even and saturates', async () => {
    const x = new Tensor('uint8', [1, 3, 5, 250], [1, 1, 2, 2]);
    const w = new Tensor('int8', [1], [1, 1, 1, 1]);
    const s = (v: number) => new Tensor('float32', [v], []);
    const [y] = (await runOp('QLinearConv', [x, s(1), new Tensor('uint8', [0], []), w, s(1), new Tensor('int8', [0], []), s(2), new Tensor('uint8', [0], [])], {}, { opset: 10 })) as Tensor[];
    expect(nums(y)).toEqual([0, 2, 2, 125]); // 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 125
    const [z] = (await runOp('QLinearConv', [x, s(1), new Tensor('uint8', [0], []), w, s(4), new Tensor('int8', [0], []), s(1), new Tensor('uint8', [10], [])], {}, { opset: 10 })) as Tensor[];
    expect(nums(z)).toEqual([14, 22, 30, 255]);
  });
});

/** Direct transposed convolution: every input element scatters its kernel. */
function naiveConvT(x: Tensor, w: Tensor, group: number, s: number[], d: number[], pb: number[], outSp: number[]): number[] {
  const xv = nums(x);
  const wv = nums(w);
  const [N, C] = x.dims as [number, number];
  const Mg = w.dims[1]!;
  const M = Mg * group;
  const inSp = x.dims.slice(2);
  const k = w.dims.slice(2);
  const y = new Array<number>(N * M * product(outSp)).fill(0);
  const unravel = (i: number, dims: number[]) => {
    const r: number[] = [];
    for (let a = dims.length - 1; a >= 0; a--) { r[a] = i % dims[a]!; i = Math.floor(i / dims[a]!); }
    return r;
  };
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < product(inSp); i++) {
    const ii = unravel(i, inSp);
    const g = Math.floor(c / (C / group));
    for (let m = 0; m < Mg; m++) for (let q = 0; q < product(k); q++) {
      const kq = unravel(q, k);
      let off = 0;
      let ok = true;
      for (let a = 0; a < inSp.length; a++) {
        const o = ii[a]! * s[a]! - pb[a]! + kq[a]! * d[a]!;
        if (o < 0 || o >= outSp[a]!) ok = false;
        off = off * outSp[a]! + o;
      }
      const at = (n * M + g * Mg + m) * product(outSp) + off;
      if (ok) y[at] = y[at]! + xv[(n * C + c) * product(inSp) + i]! * wv[(c * Mg + m) * product(k) + q]!;
    }
  }
  return y;
}

describe('ConvTranspose', () => {
  it('matches the direct definition (strides, pads, output_padding, dilations, groups)', async () => {
    const x = randomF32([2, 4, 3, 4], 1);
    const w = randomF32([4, 3, 3, 2], 2);
    const [y] = (await runOp('ConvTranspose', [x, w], { group: 2, strides: [2, 3], pads: [1, 0, 0, 1], output_padding: [1, 0], dilations: [1, 2] })) as Tensor[];
    // out = s*(in-1) + op + (k-1)*d + 1 - pads
    expect(y!.dims).toEqual([2, 6, 2 * 2 + 1 + 3 - 1, 3 * 3 + 0 + 3 - 1]);
    expectRelClose(nums(y), naiveConvT(x, w, 2, [2, 3], [1, 2], [1, 0], [7, 11]), TOL);
  });

  it('output_shape and SAME_UPPER place the extra padding as the spec says', async () => {
    const x = randomF32([1, 1, 3], 1);
    const w = randomF32([1, 2, 3], 2);
    const [y] = (await runOp('ConvTranspose', [x, w], { strides: [2], auto_pad: 'SAME_UPPER' })) as Tensor[];
    expect(y!.dims).toEqual([1, 2, 6]); // total pad 1 goes to the end
    expectRelClose(nums(y), naiveConvT(x, w, 1, [2], [1], [0], [6]), TOL);
    const [z] = (await runOp('ConvTranspose', [x, w], { strides: [2], output_shape: [9] })) as Tensor[];
    expect(z!.dims).toEqual([1, 2, 9]); // larger than the natural 7: zeros at the end
    expectRelClose(nums(z), naiveConvT(x, w, 1, [2], [1], [0], [9]), TOL);
  });

  it('rejects mismatched channels', async () => {
    await expectKilnError(runOp('ConvTranspose', [randomF32([1, 3, 4, 4]), randomF32([2, 2, 3, 3])]), 'E_SHAPE_MISMATCH');
  });
});

describe('pools', () => {
  it('MaxPool returns row- and column-major indices and propagates NaN', async () => {
    const x = new Tensor('float32', [1, 9, 3, 4, 5, 6, 7, 8, NaN], [1, 1, 3, 3]);
    const [y, i] = (await runOp('MaxPool', [x], { kernel_shape: [2, 2] }, { outputs: 2 })) as Tensor[];
    expect(nums(y)).toEqual([9, 9, 8, NaN]);
    expect(nums(i)).toEqual([1, 1, 7, 8]);
    const [, j] = (await runOp('MaxPool', [x], { kernel_shape: [2, 2], storage_order: 1 }, { outputs: 2 })) as Tensor[];
    expect(nums(j)).toEqual([3, 3, 5, 8]);
  });

  it('MaxPool on int8 keeps the type; pads never win', async () => {
    const x = new Tensor('int8', [-5, -7, -9, -1], [1, 1, 4]);
    const [y] = (await runOp('MaxPool', [x], { kernel_shape: [3], pads: [1, 1] })) as Tensor[];
    expect(y!.type).toBe('int8');
    expect(nums(y)).toEqual([-5, -5, -1, -1]);
  });

  it('AveragePool counts pads only with count_include_pad, and ceil_mode adds a partial window', async () => {
    const x = new Tensor('float32', [1, 2, 3, 4, 5], [1, 1, 5]);
    const [a] = (await runOp('AveragePool', [x], { kernel_shape: [2], strides: [2], pads: [1, 0] })) as Tensor[];
    expect(nums(a)).toEqual([1, 2.5, 4.5]);
    const [b] = (await runOp('AveragePool', [x], { kernel_shape: [2], strides: [2], pads: [1, 0], count_include_pad: 1 })) as Tensor[];
    expect(nums(b)).toEqual([0.5, 2.5, 4.5]);
    const [c] = (await runOp('AveragePool', [x], { kernel_shape: [2], strides: [2], ceil_mode: 1 })) as Tensor[];
    expect(nums(c)).toEqual([1.5, 3.5, 5]);
  });

  it('LpPool and the global pools', async () => {
    const x = new Tensor('float32', [3, -4, 0, 0, 1, 2, 2, 4], [2, 1, 4]);
    const [l] = (await runOp('LpPool', [x], { kernel_shape: [2], strides: [2], p: 2 })) as Tensor[];
    expectRelClose(nums(l), [5, 0, Math.sqrt(5), Math.sqrt(20)], TOL);
    const [ga] = (await runOp('GlobalAveragePool', [x])) as Tensor[];
    expect(ga!.dims).toEqual([2, 1, 1]);
    expect(nums(ga)).toEqual([-0.25, 2.25]);
    const [gm] = (await runOp('GlobalMaxPool', [x])) as Tensor[];
    expect(nums(gm)).toEqual([3, 4]);
    const [gl] = (await runOp('GlobalLpPool', [x], { p: 1 })) as Tensor[];
    expect(nums(gl)).toEqual([7, 9]);
  });

  it('rejects a missing kernel_shape and an oversized window', async () => {
    await expectKilnError(runOp('MaxPool', [randomF32([1, 1, 4, 4])]), 'E_MODEL_INVALID');
    await expectKilnError(runOp('AveragePool', [randomF32([1, 1, 2, 2])], { kernel_shape: [3, 3] }), 'E_SHAPE_MISMATCH');
  });

  it('MaxUnpool inverts MaxPool and checks indices', async () => {
    const x = randomF32([1, 2, 4, 4]);
    const [y, i] = (await runOp('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] }, { outputs: 2 })) as Tensor[];
    const [u] = (await runOp('MaxUnpool', [y!, i!], { kernel_shape: [2, 2], strides: [2, 2] })) as Tensor[];
    expect(u!.dims).toEqual([1, 2, 4, 4]);
    const uv = nums(u);
    const xv = nums(x);
    for (const k of nums(i)) expect(uv[k]).toBe(Math.fround(xv[k]!));
    expect(uv.filter((v) => v !== 0).length).toBe(8);
    const bad = int64Tensor([0, 1, 2, 99], [1, 1, 2, 2]);
    await expectKilnError(runOp('MaxUnpool', [randomF32([1, 1, 2, 2]), bad], { kernel_shape: [2, 2], strides: [2, 2] }), 'E_INPUT_INVALID');
  });
});

describe('sampling', () => {
  it('AffineGrid + GridSample with the identity transform reproduce the input', async () => {
    const x = randomF32([1, 2, 3, 4]);
    const theta = new Tensor('float32', [1, 0, 0, 0, 1, 0], [1, 2, 3]);
    for (const align of [0, 1]) {
      const [grid] = (await runOp('AffineGrid', [theta, int64Tensor([1, 2, 3, 4])], { align_corners: align }, { opset: 20 })) as Tensor[];
      expect(grid!.dims).toEqual([1, 3, 4, 2]);
      for (const mode of ['linear', 'nearest', 'cubic']) {
        const [y] = (await runOp('GridSample', [x, grid!], { align_corners: align, mode }, { opset: 22 })) as Tensor[];
        expectRelClose(nums(y), nums(x), 1e-5);
      }
    }
  });

  it('GridSample padding modes outside the image', async () => {
    const x = new Tensor('float32', [1, 2, 3], [1, 1, 1, 3]);
    const grid = new Tensor('float32', [-2, 0, 2, 0], [1, 1, 2, 2]); // x far left and far right
    const run = async (padding_mode: string) => nums(((await runOp('GridSample', [x, grid], { align_corners: 1, padding_mode }, { opset: 22 })) as Tensor[])[0]);
    expect(await run('zeros')).toEqual([0, 0]);
    expect(await run('border')).toEqual([1, 3]);
    expect(await run('reflection')).toEqual([2, 2]); // -1 and 3 fold back to 1
  });

  it('RoiAlign averages bilinear samples and checks batch indices', async () => {
    const x = new Tensor('float32', Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]);
    const rois = new Tensor('float32', [0, 0, 2, 2], [1, 4]);
    const [y] = (await runOp('RoiAlign', [x, rois, int64Tensor([0])], { output_height: 1, output_width: 1, sampling_ratio: 1, coordinate_transformation_mode: 'output_half_pixel' }, { opset: 16 })) as Tensor[];
    expect(nums(y)).toEqual([5]); // sample at (1, 1)
    await expectKilnError(runOp('RoiAlign', [x, rois, int64Tensor([3])], {}, { opset: 16 }), 'E_INPUT_INVALID');
  });

  it('MaxRoiPool takes the max of each bin', async () => {
    const x = new Tensor('float32', Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]);
    const rois = new Tensor('float32', [0, 0, 0, 3, 3], [1, 5]);
    const [y] = (await runOp('MaxRoiPool', [x, rois], { pooled_shape: [2, 2] })) as Tensor[];
    expect(nums(y)).toEqual([5, 7, 13, 15]);
  });

  it('DeformConv with zero offsets is Conv', async () => {
    const x = randomF32([1, 4, 5, 5]);
    const w = randomF32([6, 2, 2, 3], 2);
    const off = new Tensor('float32', new Float32Array(1 * 2 * 2 * 6 * 4 * 3), [1, 2 * 2 * 6, 4, 3]);
    const [d] = (await runOp('DeformConv', [x, w, off], { group: 2, offset_group: 2, pads: [0, 0, 0, 0] }, { opset: 19 })) as Tensor[];
    const [c] = (await runOp('Conv', [x, w], { group: 2 })) as Tensor[];
    expectRelClose(nums(d), nums(c), TOL);
  });
});

describe('Col2Im / CausalConvWithState', () => {
  it('Col2Im sums overlapping blocks', async () => {
    const cols = new Tensor('float32', new Array(1 * 4 * 4).fill(1), [1, 4, 4]);
    const [y] = (await runOp('Col2Im', [cols, int64Tensor([3, 3]), int64Tensor([2, 2])], {}, { opset: 18 })) as Tensor[];
    expect(y!.dims).toEqual([1, 1, 3, 3]);
    expect(nums(y)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
    await expectKilnError(runOp('Col2Im', [cols, int64Tensor([4, 4]), int64Tensor([2, 2])], {}, { opset: 18 }), 'E_SHAPE_MISMATCH');
  });

  it('CausalConvWithState carries state across calls', async () => {
    const x = randomF32([2, 3, 6], 1);
    const w = randomF32([3, 1, 3], 2);
    const b = randomF32([3], 3);
    const [full, st] = (await runOp('CausalConvWithState', [x, w, b], { activation: 'silu' }, { opset: 27, outputs: 2 })) as Tensor[];
    const xv = nums(x);
    const half = (h: number) => new Tensor('float32', Array.from({ length: 18 }, (_, i) => xv[Math.floor(i / 3) * 6 + h * 3 + (i % 3)]!), [2, 3, 3]);
    const [y1, s1] = (await runOp('CausalConvWithState', [half(0), w, b], { activation: 'silu' }, { opset: 27, outputs: 2 })) as Tensor[];
    const [y2, s2] = (await runOp('CausalConvWithState', [half(1), w, b, s1!], { activation: 'silu' }, { opset: 27, outputs: 2 })) as Tensor[];
    const joined: number[] = [];
    for (let r = 0; r < 6; r++) joined.push(...nums(y1).slice(r * 3, r * 3 + 3), ...nums(y2).slice(r * 3, r * 3 + 3));
    expectRelClose(joined, nums(full), 1e-6);
    expectRelClose(nums(s2), nums(st), 0);
    await expectKilnError(runOp('CausalConvWithState', [x, w], { activation: 'gelu' }, { opset: 27, outputs: 2 }), 'E_MODEL_INVALID');
  });
});
