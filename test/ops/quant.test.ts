import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { runOp } from '../helpers/run-op.js';
import { expectKilnError, f32, nums } from '../helpers/op-test-utils.js';

describe('QuantizeLinear', () => {
  it('rounds half to even and saturates', async () => {
    const x = f32([0.5, 1.5, 2.5, -0.5, -1.5, 300, -300]);
    const [y] = await runOp('QuantizeLinear', [x, f32([1], []), new Tensor('int8', [0], [])], {}, { opset: 13 });
    expect((y as Tensor).type).toBe('int8');
    expect(nums(y)).toEqual([0, 2, 2, 0, -2, 127, -128]);
  });

  it('defaults to uint8 without a zero point', async () => {
    const [y] = await runOp('QuantizeLinear', [f32([-3, 3, 510, 600]), f32([2], [])], {}, { opset: 13 });
    expect((y as Tensor).type).toBe('uint8');
    expect(nums(y)).toEqual([0, 2, 255, 255]);
  });

  it('quantizes per axis (negative axis)', async () => {
    const x = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    const [y] = await runOp('QuantizeLinear', [x, f32([1, 2, 4]), new Tensor('uint8', [10, 20, 30])], { axis: -1 }, { opset: 13 });
    expect(nums(y)).toEqual([11, 21, 31, 14, 22, 32]);
  });

  it('quantizes blocked with a partial last block', async () => {
    const x = f32([2, 4, 6, 8, 10], [1, 5]);
    const s = f32([2, 4, 10], [1, 3]);
    const [y] = await runOp('QuantizeLinear', [x, s], { axis: 1, block_size: 2, output_dtype: 5 }, { opset: 21 });
    expect((y as Tensor).type).toBe('int16');
    expect(nums(y)).toEqual([1, 2, 2, 2, 1]);
  });

  it('packs int4 and clamps to [-8, 7]', async () => {
    const [y] = await runOp('QuantizeLinear', [f32([-20, -1, 1, 20, 3]), f32([1], []), new Tensor('int4', new Uint8Array([0]), [])], {}, { opset: 21 });
    expect((y as Tensor).type).toBe('int4');
    expect(nums(y)).toEqual([-8, -1, 1, 7, 3]);
  });

  it('clamps uint2 to [0, 3]', async () => {
    const [y] = await runOp('QuantizeLinear', [f32([-1, 1, 2, 9]), f32([1], [])], { output_dtype: 25 }, { opset: 25 });
    expect((y as Tensor).type).toBe('uint2');
    expect(nums(y)).toEqual([0, 1, 2, 3]);
  });

  it('float8 saturates by default and gives NaN without saturate', async () => {
    const zp = new Tensor('float8e4m3fn', new Uint8Array([0]), []);
    const [a] = await runOp('QuantizeLinear', [f32([1e6, -1e6]), f32([1], []), zp], {}, { opset: 19 });
    expect(nums(a)).toEqual([448, -448]);
    const [b] = await runOp('QuantizeLinear', [f32([1e6]), f32([1], []), zp], { saturate: 0 }, { opset: 19 });
    expect(Number.isNaN(nums(b)[0])).toBe(true);
  });

  it('uses the precision attribute for the division', async () => {
    // 2049 / 1 is exact in float32 but rounds to 2048 in float16.
    const [y] = await runOp('QuantizeLinear', [f32([2049]), f32([1], []), new Tensor('uint16', [0], [])], { precision: 10 }, { opset: 23 });
    expect(nums(y)).toEqual([2048]);
  });

  it('rejects output_dtype that disagrees with the zero point', async () => {
    await expectKilnError(runOp('QuantizeLinear', [f32([1]), f32([1], []), new Tensor('uint8', [0], [])], { output_dtype: 3 }, { opset: 21 }), 'E_MODEL_INVALID');
  });

  it('rejects a per-axis scale of the wrong length', async () => {
    await expectKilnError(runOp('QuantizeLinear', [f32([1, 2, 3, 4], [2, 2]), f32([1, 2, 3])], { axis: 1 }, { opset: 13 }), 'E_SHAPE_MISMATCH');
  });

  it('rejects a blocked scale that does not fit', async () => {
    await expectKilnError(runOp('QuantizeLinear', [f32([1, 2, 3, 4], [1, 4]), f32([1, 2, 3], [1, 3])], { axis: 1, block_size: 2 }, { opset: 21 }), 'E_SHAPE_MISMATCH');
  });
});

describe('DequantizeLinear', () => {
  it('dequantizes int32 without zero point', async () => {
    const [y] = await runOp('DequantizeLinear', [new Tensor('int32', [-4, 0, 6]), f32([0.5], [])], {}, { opset: 10 });
    expect(nums(y)).toEqual([-2, 0, 3]);
  });

  it('dequantizes blocked uint4 with zero points', async () => {
    const x = new Tensor('uint4', new Uint8Array([0x21, 0x43, 0x05]), [5]); // 1,2,3,4,5
    const s = f32([1, 10, 100]);
    const z = new Tensor('uint4', new Uint8Array([0x11, 0x00]), [3]); // 1,1,0
    const [y] = await runOp('DequantizeLinear', [x, s, z], { axis: 0, block_size: 2 }, { opset: 21 });
    expect(nums(y)).toEqual([0, 1, 20, 30, 500]);
  });

  it('honours output_dtype', async () => {
    const [y] = await runOp('DequantizeLinear', [new Tensor('int8', [3]), f32([0.5], [])], { output_dtype: 10 }, { opset: 23 });
    expect((y as Tensor).type).toBe('float16');
    expect(nums(y)).toEqual([1.5]);
  });

  it('rejects a zero point of another type', async () => {
    await expectKilnError(runOp('DequantizeLinear', [new Tensor('int8', [3]), f32([1], []), new Tensor('uint8', [0], [])], {}, { opset: 13 }), 'E_TYPE_UNSUPPORTED');
  });

  it('rejects a non-scalar scale before opset 13', async () => {
    await expectKilnError(runOp('DequantizeLinear', [new Tensor('uint8', [1, 2], [1, 2]), f32([1, 2])], {}, { opset: 10 }), 'E_SHAPE_MISMATCH');
  });
});

describe('DynamicQuantizeLinear', () => {
  it('maps an all-zero input to scale 1, zero point 0', async () => {
    const [y, s, z] = await runOp('DynamicQuantizeLinear', [f32([0, 0, 0])], {}, { opset: 11, outputs: 3 });
    expect(nums(y)).toEqual([0, 0, 0]);
    expect(nums(s)).toEqual([1]);
    expect(nums(z)).toEqual([0]);
  });

  it('includes 0 in the range of an all-positive input', async () => {
    const [y, s, z] = await runOp('DynamicQuantizeLinear', [f32([0.5, 2.55])], {}, { opset: 11, outputs: 3 });
    expect(nums(z)).toEqual([0]);
    expect(nums(s)[0]).toBeCloseTo(0.01, 6);
    expect(nums(y)).toEqual([50, 255]);
  });

  it('rejects integer input', async () => {
    await expectKilnError(runOp('DynamicQuantizeLinear', [new Tensor('int32', [1])], {}, { opset: 11, outputs: 3 }), 'E_TYPE_UNSUPPORTED');
  });
});
