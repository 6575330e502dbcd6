/**
 * Kernel cases for GatherElements, ScatterElements/ScatterND, CumSum/CumProd, TopK, GroupNormalization,
 * ConvTranspose and Resize (test/webgpu/cases.ts appends them to CASES). Duplicate scatter indices check
 * that updates land in index order; Resize covers every mode and the coordinate transforms that differ.
 */
import { Tensor } from '../../src/engine/index.js';
import { f32, i32, i64, type KernelCase } from './cases.js';

const fvec = (v: number[]) => new Tensor('float32', Float32Array.from(v), [v.length]);
const resize = (name: string, dims: number[], scales: number[], attrs: Record<string, unknown>, roi?: number[]): KernelCase => ({
  name: `Resize ${name}`, op: 'Resize', opset: 19, inputs: [f32(dims), roi ? fvec(roi) : undefined, fvec(scales)], constInputs: roi ? [1, 2] : [2], attrs,
});

/** Called by cases.ts while it builds CASES (the generators live there). */
export const moreCases = (): KernelCase[] => [
  { name: 'GatherElements axis 0', op: 'GatherElements', inputs: [f32([3, 4]), i64([2, 0, 1, 1, 0, 2, -1, 0], [2, 4])], attrs: { axis: 0 } },
  { name: 'GatherElements axis 1 rank 3', op: 'GatherElements', inputs: [f32([2, 5, 3]), i64(Array.from({ length: 2 * 2 * 3 }, (_, i) => (i * 7) % 5), [2, 2, 3])], attrs: { axis: 1 } },
  { name: 'ScatterElements axis 1 duplicates', op: 'ScatterElements', inputs: [f32([3, 5]), i64([1, 3, 1, 0, 4, 4], [3, 2]), f32([3, 2])], attrs: { axis: 1 } },
  ...(['add', 'mul', 'max', 'min'] as const).map((reduction): KernelCase => ({
    name: `ScatterElements reduction ${reduction}`, op: 'ScatterElements', opset: 18,
    inputs: [f32([4, 3]), i64([0, 2, 0, 3, 3, 1, 0, -4, 2], [3, 3]), f32([3, 3])], attrs: { axis: 0, reduction },
  })),
  { name: 'ScatterElements int32', op: 'ScatterElements', inputs: [i32([6]), i64([5, 0, 5]), i32([3])] },
  { name: 'ScatterND slices', op: 'ScatterND', inputs: [f32([4, 3, 2]), i64([1, 3, 1], [3, 1]), f32([3, 3, 2])] },
  { name: 'ScatterND elements add', op: 'ScatterND', opset: 16, inputs: [f32([3, 4]), i64([0, 1, 2, 3, 0, 1, -1, 0], [4, 2]), f32([4])], attrs: { reduction: 'add' } },
  { name: 'CumSum axis 1', op: 'CumSum', inputs: [f32([3, 7, 2]), i64([1], [])], constInputs: [1] },
  { name: 'CumSum exclusive reverse', op: 'CumSum', inputs: [f32([4, 9]), i64([-1], [])], constInputs: [1], attrs: { exclusive: 1, reverse: 1 } },
  { name: 'CumSum int32 axis 0', op: 'CumSum', inputs: [i32([5, 3]), i64([0], [])], constInputs: [1] },
  { name: 'CumProd', op: 'CumProd', opset: 26, inputs: [f32([3, 6], 0.5, 1.5), i64([1], [])], constInputs: [1] },
  { name: 'TopK largest axis -1', op: 'TopK', inputs: [f32([3, 40]), i64([5])], constInputs: [1], outputs: 2 },
  { name: 'TopK smallest axis 1, ties', op: 'TopK', inputs: [i32([2, 9, 3], 0, 3), i64([4])], constInputs: [1], attrs: { axis: 1, largest: 0 }, outputs: 2 },
  { name: 'GroupNormalization-18 per group', op: 'GroupNormalization', opset: 18, inputs: [f32([2, 6, 3, 2]), f32([3]), f32([3])], attrs: { num_groups: 3 } },
  { name: 'GroupNormalization-21 per channel', op: 'GroupNormalization', opset: 21, inputs: [f32([2, 6, 5]), f32([6]), f32([6])], attrs: { num_groups: 2 } },
  { name: 'ConvTranspose 2-D stride 2 pads bias', op: 'ConvTranspose', inputs: [f32([2, 3, 5, 4]), f32([3, 4, 3, 3]), f32([4])], constInputs: [1, 2], attrs: { strides: [2, 2], pads: [1, 0, 1, 1], output_padding: [1, 0] } },
  { name: 'ConvTranspose groups dilations', op: 'ConvTranspose', inputs: [f32([1, 4, 4, 4]), f32([4, 3, 2, 2])], constInputs: [1], attrs: { group: 2, dilations: [2, 1], strides: [1, 3] } },
  { name: 'ConvTranspose 1-D', op: 'ConvTranspose', inputs: [f32([1, 2, 7]), f32([2, 3, 4])], constInputs: [1], attrs: { strides: [3], auto_pad: 'SAME_UPPER' } },
  resize('nearest up (round_prefer_floor, asymmetric)', [1, 2, 3, 4], [1, 1, 2, 1.5], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric' }),
  resize('nearest down (ceil, half_pixel)', [1, 1, 7, 9], [1, 1, 0.5, 0.4], { mode: 'nearest', nearest_mode: 'ceil' }),
  resize('linear up (half_pixel)', [2, 3, 4, 5], [1, 1, 1.75, 2], { mode: 'linear' }),
  resize('linear down antialias', [1, 2, 9, 8], [1, 1, 0.5, 0.6], { mode: 'linear', antialias: 1 }),
  resize('cubic align_corners', [1, 1, 5, 6], [1, 1, 1.6, 1.5], { mode: 'cubic', coordinate_transformation_mode: 'align_corners' }),
  resize('cubic exclude_outside', [1, 2, 4, 4], [1, 1, 2, 2], { mode: 'cubic', exclude_outside: 1, cubic_coeff_a: -0.5 }),
  // vec4 elementwise (same shapes, 4k elements) and the split-K matrix-vector product (subgroups where present)
  { name: 'Add vec4 [8,16]', op: 'Add', inputs: [f32([8, 16]), f32([8, 16])] },
  { name: 'Div vec4 [4,5]', op: 'Div', inputs: [f32([4, 5]), f32([4, 5], 0.5, 2)] },
  { name: 'PRelu vec4', op: 'PRelu', inputs: [f32([2, 6]), f32([2, 6])] },
  { name: 'Relu vec4 [4,10]', op: 'Relu', inputs: [f32([4, 10])] },
  { name: 'LeakyRelu vec4', op: 'LeakyRelu', inputs: [f32([16])], attrs: { alpha: 0.2 } },
  { name: 'Exp vec4 [3,4]', op: 'Exp', inputs: [f32([3, 4])] },
  { name: 'MatMul split-K [1,1000]x[1000,7]', op: 'MatMul', inputs: [f32([1, 1000]), f32([1000, 7])], tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'MatMul split-K batched [2,3,300]x[300,9]', op: 'MatMul', inputs: [f32([2, 3, 300]), f32([300, 9])], tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'Gemm split-K transB bias', op: 'Gemm', inputs: [f32([2, 512]), f32([100, 512]), f32([100])], attrs: { transB: 1, alpha: 0.5, beta: 2 }, tol: { rtol: 1e-4, atol: 1e-4 } },
  resize('linear tf_crop_and_resize', [1, 1, 6, 6], [1, 1, 1.5, 1.5], { mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize', extrapolation_value: 7 }, [0, 0, -0.2, 0.3, 1, 1, 0.9, 1.3]),
];
