/**
 * Kernel cases, as data: each runs on webgpu and on the reference backend (test/webgpu/harness.ts).
 * They cover sizes that are not multiples of the tiles, broadcasting, non-contiguous axes and zero-size
 * tensors. Inputs come from a seeded generator, so every run sees the same numbers.
 */
import { Tensor } from '../../src/engine/index.js';
import { moreCases } from './cases-ops.js';

export interface KernelCase {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly (Tensor | undefined)[];
  readonly attrs?: Readonly<Record<string, unknown>>;
  readonly opset?: number;
  readonly outputs?: number;
  /** Inputs passed as initializers (constants uploaded once per session) rather than feeds. */
  readonly constInputs?: readonly number[];
  readonly tol?: { rtol: number; atol: number };
  /** The node is expected to run on the CPU at run time (a dtype the GPU lacks). */
  readonly expectFallback?: boolean;
  readonly skipOutputs?: readonly number[];
  /** The op's domain ('kiln' for the fused ops); ai.onnx by default. */
  readonly domain?: string;
  /** The node's input names, when they are not in0, in1, … (one graph input read twice). */
  readonly nodeInputs?: readonly string[];
}

/** mulberry32: a small seeded generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const size = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);

export const f32 = (dims: readonly number[], lo = -2, hi = 2): Tensor => new Tensor('float32', Float32Array.from({ length: size(dims) }, () => lo + (hi - lo) * rand()), dims);
export const pos = (dims: readonly number[]) => f32(dims, 0.1, 3);
export const i32 = (dims: readonly number[], lo = -9, hi = 9): Tensor => new Tensor('int32', Int32Array.from({ length: size(dims) }, () => Math.floor(lo + (hi - lo + 1) * rand())), dims);
export const i64 = (values: readonly number[], dims: readonly number[] = [values.length]): Tensor => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
export const bool = (dims: readonly number[]): Tensor => new Tensor('bool', Uint8Array.from({ length: size(dims) }, () => (rand() < 0.5 ? 1 : 0)), dims);
const scalar = (v: number) => new Tensor('float32', [v], []);

const unaryFloat = ['Exp', 'Log', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sin', 'Cos', 'Tan', 'Atan', 'Sinh', 'Cosh', 'Asinh',
  'Erf', 'Sigmoid', 'Tanh', 'HardSwish', 'Softplus', 'Softsign', 'Mish', 'Abs', 'Neg', 'Sign', 'Relu', 'Gelu'];
const positiveOnly = new Set(['Log', 'Sqrt', 'Reciprocal']);

export const CASES: readonly KernelCase[] = [
  // ---- unary
  ...unaryFloat.map((op) => ({
    name: `${op} [7,13]`, op, inputs: [positiveOnly.has(op) ? pos([7, 13]) : f32([7, 13], -3, 3)], opset: op === 'Gelu' ? 20 : 22,
    // WGSL allows sin/cos an absolute error of 2^-11 on [-π, π]; SwiftShader uses some of it.
    tol: ['Sin', 'Cos', 'Tan'].includes(op) ? { rtol: 1e-3, atol: 1e-5 } : undefined,
  })),
  { name: 'Asin/Acos range', op: 'Asin', inputs: [f32([33], -0.99, 0.99)] },
  { name: 'Acos', op: 'Acos', inputs: [f32([33], -0.99, 0.99)] },
  { name: 'Atanh', op: 'Atanh', inputs: [f32([33], -0.9, 0.9)] },
  { name: 'Acosh', op: 'Acosh', inputs: [f32([33], 1.1, 5)] },
  { name: 'Erf near 0', op: 'Erf', inputs: [f32([100], -0.01, 0.01)], tol: { rtol: 1e-4, atol: 1e-7 } },
  { name: 'Gelu tanh', op: 'Gelu', inputs: [f32([50])], attrs: { approximate: 'tanh' }, opset: 20 },
  { name: 'LeakyRelu', op: 'LeakyRelu', inputs: [f32([65])], attrs: { alpha: 0.1 } },
  { name: 'Elu small', op: 'Elu', inputs: [f32([65], -1e-3, 1e-3)], attrs: { alpha: 1.5 } },
  { name: 'Selu', op: 'Selu', inputs: [f32([65])] },
  { name: 'Celu', op: 'Celu', inputs: [f32([65])], attrs: { alpha: 2 } },
  { name: 'HardSigmoid', op: 'HardSigmoid', inputs: [f32([65], -5, 5)], attrs: { alpha: 0.3, beta: 0.4 } },
  { name: 'ThresholdedRelu', op: 'ThresholdedRelu', inputs: [f32([65])], attrs: { alpha: 0.5 } },
  { name: 'Shrink', op: 'Shrink', inputs: [f32([65])], attrs: { bias: 0.2, lambd: 0.7 } },
  { name: 'Swish', op: 'Swish', inputs: [f32([65])], attrs: { alpha: 1.5 }, opset: 24 },
  { name: 'Abs int32', op: 'Abs', inputs: [i32([17])] },
  { name: 'Neg int32', op: 'Neg', inputs: [i32([17])] },
  { name: 'Not', op: 'Not', inputs: [bool([19])] },
  { name: 'IsNaN', op: 'IsNaN', inputs: [new Tensor('float32', [1, NaN, -Infinity, Infinity, 0], [5])] },
  { name: 'IsInf negative only', op: 'IsInf', inputs: [new Tensor('float32', [1, NaN, -Infinity, Infinity, 0], [5])], attrs: { detect_positive: 0 } },
  { name: 'Relu zero-size', op: 'Relu', inputs: [f32([0, 3])] },
  { name: 'Relu 70000 (2-D grid)', op: 'Relu', inputs: [f32([70000 * 64 + 5])] },

  // ---- binary, broadcasting
  { name: 'Add same shape', op: 'Add', inputs: [f32([5, 7]), f32([5, 7])] },
  { name: 'Add broadcast row', op: 'Add', inputs: [f32([3, 4, 5]), f32([5])] },
  { name: 'Mul broadcast both', op: 'Mul', inputs: [f32([3, 1, 5]), f32([1, 4, 1])] },
  { name: 'Sub scalar', op: 'Sub', inputs: [f32([6, 2]), scalar(0.5)] },
  { name: 'Div', op: 'Div', inputs: [f32([9]), pos([9])] },
  { name: 'Div int32 truncates', op: 'Div', inputs: [i32([20], -50, 50), i32([20], 1, 7)] },
  { name: 'Mod int32 floor', op: 'Mod', inputs: [i32([20], -50, 50), i32([20], 1, 7)] },
  { name: 'Mod fmod float', op: 'Mod', inputs: [f32([20], -5, 5), pos([20])], attrs: { fmod: 1 } },
  { name: 'Pow negative base, integral exponent', op: 'Pow', inputs: [f32([4, 3]), new Tensor('float32', [2, 3, 0.5], [3])], tol: { rtol: 1e-4, atol: 1e-5 } },
  { name: 'Pow int exponent', op: 'Pow', inputs: [pos([6]), new Tensor('int32', [2], [1])] },
  { name: 'Equal int64', op: 'Equal', inputs: [i64([1, 2, 3, 4]), i64([1, 5, 3, 0])] },
  { name: 'Less broadcast', op: 'Less', inputs: [f32([4, 5]), f32([4, 1])] },
  { name: 'GreaterOrEqual int32', op: 'GreaterOrEqual', inputs: [i32([12]), i32([12])] },
  { name: 'And', op: 'And', inputs: [bool([3, 4]), bool([4])] },
  { name: 'Xor', op: 'Xor', inputs: [bool([8]), bool([8])] },
  { name: 'BitwiseAnd', op: 'BitwiseAnd', inputs: [i32([10], 0, 255), i32([10], 0, 255)] },
  { name: 'Mul(x, x): one tensor bound twice', op: 'Mul', inputs: [f32([10])], nodeInputs: ['in0', 'in0'] },
  { name: 'Add zero-size broadcast', op: 'Add', inputs: [f32([0, 4]), f32([4])] },
  { name: 'Max 3 inputs', op: 'Max', inputs: [f32([2, 3]), f32([3]), f32([2, 1])] },
  { name: 'Mean 3 inputs', op: 'Mean', inputs: [f32([2, 3]), f32([3]), f32([2, 3])] },
  { name: 'Sum 1 input', op: 'Sum', inputs: [f32([5])] },
  { name: 'PRelu channel slope', op: 'PRelu', inputs: [f32([2, 3, 4]), f32([3, 1])] },
  { name: 'Where', op: 'Where', inputs: [bool([3, 1]), f32([3, 4]), f32([4])] },
  { name: 'Where int64', op: 'Where', inputs: [bool([4]), i64([1, 2, 3, 4]), i64([9])] },
  { name: 'Clip attrs (opset 6)', op: 'Clip', inputs: [f32([30])], attrs: { min: -0.5, max: 0.7 }, opset: 6 },
  { name: 'Clip inputs', op: 'Clip', inputs: [f32([30]), scalar(-0.5), scalar(1)], opset: 13 },
  { name: 'Clip max only', op: 'Clip', inputs: [f32([30]), undefined, scalar(0.25)], opset: 13 },
  { name: 'Cast float→int32', op: 'Cast', inputs: [f32([10], -5, 5)], attrs: { to: 6 } },
  { name: 'Cast int64→float', op: 'Cast', inputs: [i64([1, -2, 300])], attrs: { to: 1 } },
  { name: 'Cast float→bool', op: 'Cast', inputs: [new Tensor('float32', [0, 1, -2, 0.5], [4])], attrs: { to: 9 } },
  { name: 'Cast bool→float', op: 'Cast', inputs: [bool([6])], attrs: { to: 1 } },
  { name: 'Cast float16 falls back', op: 'Cast', inputs: [f32([4])], attrs: { to: 10 }, expectFallback: true },

  // ---- layout
  { name: 'Transpose 3-D', op: 'Transpose', inputs: [f32([2, 3, 5])], attrs: { perm: [2, 0, 1] } },
  { name: 'Transpose default', op: 'Transpose', inputs: [f32([4, 7])] },
  { name: 'Reshape', op: 'Reshape', inputs: [f32([2, 6]), i64([3, -1])], constInputs: [1] },
  { name: 'Squeeze', op: 'Squeeze', inputs: [f32([1, 3, 1, 2]), i64([0, 2])], constInputs: [1], opset: 13 },
  { name: 'Unsqueeze int64', op: 'Unsqueeze', inputs: [i64([5, 6, 7]), i64([0])], constInputs: [1], opset: 13 },
  { name: 'Flatten', op: 'Flatten', inputs: [f32([2, 3, 4])], attrs: { axis: 2 } },
  { name: 'Slice negative step', op: 'Slice', inputs: [f32([5, 6]), i64([4, 1]), i64([0, 5]), i64([0, 1]), i64([-2, 2])], constInputs: [1, 2, 3, 4] },
  { name: 'Expand', op: 'Expand', inputs: [f32([3, 1]), i64([2, 3, 4])], constInputs: [1] },
  { name: 'Tile', op: 'Tile', inputs: [f32([2, 3]), i64([2, 3])], constInputs: [1] },
  { name: 'Concat axis 1', op: 'Concat', inputs: [f32([2, 3]), f32([2, 0]), f32([2, 5])], attrs: { axis: 1 } },
  { name: 'Concat int64', op: 'Concat', inputs: [i64([1, 2]), i64([3])], attrs: { axis: 0 } },
  { name: 'Split', op: 'Split', inputs: [f32([7, 2]), i64([3, 4])], constInputs: [1], outputs: 2, opset: 13 },
  { name: 'Gather axis 0 int64 indices', op: 'Gather', inputs: [f32([10, 4]), i64([3, -1, 0, 9], [2, 2])], attrs: { axis: 0 } },
  { name: 'Gather axis 1', op: 'Gather', inputs: [f32([3, 5, 2]), i64([4, 0])], attrs: { axis: 1 } },
  { name: 'Pad constant', op: 'Pad', inputs: [f32([3, 4]), i64([1, 2, 0, 1]), scalar(1.5)], constInputs: [1, 2], opset: 13 },
  { name: 'Pad reflect', op: 'Pad', inputs: [f32([3, 4]), i64([2, 2, 1, 3])], attrs: { mode: 'reflect' }, constInputs: [1], opset: 13 },
  { name: 'Pad edge with crop', op: 'Pad', inputs: [f32([3, 4]), i64([1, -1, 2, 1])], attrs: { mode: 'edge' }, constInputs: [1], opset: 13 },
  { name: 'DepthToSpace CRD', op: 'DepthToSpace', inputs: [f32([1, 8, 2, 3])], attrs: { blocksize: 2, mode: 'CRD' } },
  { name: 'SpaceToDepth', op: 'SpaceToDepth', inputs: [f32([1, 2, 4, 6])], attrs: { blocksize: 2 } },
  { name: 'Shape', op: 'Shape', inputs: [f32([2, 3, 4])] },

  // ---- matmul
  { name: 'MatMul 33x47x29 (not tile multiples)', op: 'MatMul', inputs: [f32([33, 47]), f32([47, 29])], tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'MatMul batched broadcast', op: 'MatMul', inputs: [f32([2, 1, 5, 6]), f32([3, 6, 7])], tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'MatMul vector × matrix', op: 'MatMul', inputs: [f32([6]), f32([2, 6, 3])] },
  { name: 'MatMul K = 0', op: 'MatMul', inputs: [f32([3, 0]), f32([0, 4])] },
  { name: 'MatMul weights constant', op: 'MatMul', inputs: [f32([1, 128, 64]), f32([64, 96])], constInputs: [1], tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'Gemm transA transB, C row', op: 'Gemm', inputs: [f32([7, 5]), f32([9, 7]), f32([9])], attrs: { transA: 1, transB: 1, alpha: 0.5, beta: 2 } },
  { name: 'Gemm C scalar', op: 'Gemm', inputs: [f32([4, 3]), f32([3, 5]), scalar(1)], attrs: {} },
  { name: 'Gemm no C', op: 'Gemm', inputs: [f32([1, 70]), f32([70, 40])], opset: 13 },
  { name: 'Gemm matvec transB, K > 256, N > 256', op: 'Gemm', inputs: [f32([1, 300]), f32([270, 300]), f32([270])], attrs: { transB: 1 }, tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'MatMul matvec 3 rows batched', op: 'MatMul', inputs: [f32([2, 3, 40]), f32([2, 40, 9])] },

  // ---- conv and pools
  { name: 'Conv 3x3 pad 1', op: 'Conv', inputs: [f32([1, 3, 9, 11]), f32([5, 3, 3, 3]), f32([5])], attrs: { pads: [1, 1, 1, 1] }, constInputs: [1, 2], tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'Conv stride 2 dilation 2 batch 2', op: 'Conv', inputs: [f32([2, 4, 12, 10]), f32([6, 4, 3, 3])], attrs: { strides: [2, 2], dilations: [2, 2] }, tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'Conv groups 2', op: 'Conv', inputs: [f32([1, 4, 6, 6]), f32([6, 2, 3, 3])], attrs: { group: 2, auto_pad: 'SAME_UPPER' }, tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'Conv depthwise', op: 'Conv', inputs: [f32([1, 8, 7, 7]), f32([8, 1, 3, 3]), f32([8])], attrs: { group: 8, pads: [1, 1, 1, 1], strides: [2, 2] } },
  { name: 'Conv depthwise multiplier 2', op: 'Conv', inputs: [f32([1, 3, 5, 5]), f32([6, 1, 3, 3])], attrs: { group: 3 } },
  { name: 'Conv 1-D', op: 'Conv', inputs: [f32([1, 3, 20]), f32([4, 3, 5])], attrs: { pads: [2, 2] } },
  { name: 'Conv 1x1 (pointwise) 40 channels', op: 'Conv', inputs: [f32([1, 40, 6, 6]), f32([36, 40, 1, 1])], tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'MaxPool ceil', op: 'MaxPool', inputs: [f32([1, 2, 7, 7])], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
  { name: 'MaxPool with indices', op: 'MaxPool', inputs: [f32([1, 2, 5, 5])], attrs: { kernel_shape: [2, 2], pads: [1, 1, 0, 0] }, outputs: 2 },
  { name: 'AveragePool count_include_pad', op: 'AveragePool', inputs: [f32([1, 2, 6, 6])], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 } },
  { name: 'AveragePool exclude pad', op: 'AveragePool', inputs: [f32([1, 2, 6, 6])], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
  { name: 'GlobalAveragePool', op: 'GlobalAveragePool', inputs: [f32([2, 3, 5, 7])] },
  { name: 'GlobalMaxPool', op: 'GlobalMaxPool', inputs: [f32([1, 3, 4, 4])] },

  // ---- reductions, softmax, norms
  { name: 'ReduceMean last axis', op: 'ReduceMean', inputs: [f32([4, 300]), i64([-1])], constInputs: [1], opset: 18 },
  { name: 'ReduceSum middle axis keepdims 0', op: 'ReduceSum', inputs: [f32([3, 5, 4]), i64([1])], attrs: { keepdims: 0 }, constInputs: [1], opset: 13 },
  { name: 'ReduceMax non-contiguous axes', op: 'ReduceMax', inputs: [f32([3, 4, 5]), i64([0, 2])], constInputs: [1], opset: 18 },
  { name: 'ReduceLogSumExp all', op: 'ReduceLogSumExp', inputs: [f32([6, 7], -20, 20)], opset: 18 },
  { name: 'ReduceL2 axis 0', op: 'ReduceL2', inputs: [f32([5, 3]), i64([0])], constInputs: [1], opset: 18 },
  { name: 'ReduceProd', op: 'ReduceProd', inputs: [f32([4, 3], 0.5, 1.5), i64([1])], constInputs: [1], opset: 18 },
  { name: 'ReduceSumSquare attrs (opset 13)', op: 'ReduceSumSquare', inputs: [f32([4, 3])], attrs: { axes: [0] }, opset: 13 },
  { name: 'ArgMax select_last', op: 'ArgMax', inputs: [new Tensor('float32', [1, 3, 3, 0, 2, 2, 2, 1], [2, 4])], attrs: { axis: 1, select_last_index: 1 } },
  { name: 'ArgMin axis 0', op: 'ArgMin', inputs: [f32([5, 3])], attrs: { axis: 0, keepdims: 0 } },
  { name: 'ArgMax 200-long rows', op: 'ArgMax', inputs: [f32([3, 200])], attrs: { axis: 1 } },
  { name: 'Softmax last axis', op: 'Softmax', inputs: [f32([5, 130], -10, 10)] },
  { name: 'Softmax middle axis', op: 'Softmax', inputs: [f32([2, 5, 3])], attrs: { axis: 1 } },
  { name: 'LogSoftmax', op: 'LogSoftmax', inputs: [f32([3, 70], -10, 10)] },
  { name: 'Hardmax', op: 'Hardmax', inputs: [f32([4, 9])] },
  { name: 'LayerNormalization with stats', op: 'LayerNormalization', inputs: [f32([3, 5, 70]), f32([70]), f32([70])], outputs: 3, opset: 17 },
  { name: 'LayerNormalization 2 axes no bias', op: 'LayerNormalization', inputs: [f32([4, 3, 6]), f32([3, 6])], attrs: { axis: 1 }, opset: 17 },
  { name: 'RMSNormalization', op: 'RMSNormalization', inputs: [f32([3, 40]), f32([40])], opset: 23 },
  { name: 'InstanceNormalization', op: 'InstanceNormalization', inputs: [f32([2, 3, 4, 5]), f32([3]), f32([3])] },

  // ---- attention (opset 23)
  { name: 'Attention 4-D', op: 'Attention', inputs: [f32([2, 3, 5, 8]), f32([2, 3, 7, 8]), f32([2, 3, 7, 6])], opset: 23 },
  { name: 'Attention packed GQA causal', op: 'Attention', inputs: [f32([1, 6, 4 * 8]), f32([1, 6, 2 * 8]), f32([1, 6, 2 * 8])], attrs: { q_num_heads: 4, kv_num_heads: 2, is_causal: 1 }, opset: 23 },
  { name: 'Attention bool mask broadcast + scale', op: 'Attention', inputs: [f32([1, 2, 3, 4]), f32([1, 2, 70, 4]), f32([1, 2, 70, 4]), bool([3, 70])], attrs: { scale: 0.3 }, opset: 23 },
  { name: 'Attention float mask + softcap', op: 'Attention', inputs: [f32([1, 2, 3, 4]), f32([1, 2, 5, 4]), f32([1, 2, 5, 4]), f32([1, 1, 3, 5])], attrs: { softcap: 2 }, opset: 23 },

  // ---- kiln's fused ops (the fusion pass makes them)
  { name: 'FusedConv + Z + Relu', op: 'FusedConv', domain: 'kiln', inputs: [f32([1, 3, 8, 9]), f32([4, 3, 3, 3]), f32([4]), f32([1, 4, 8, 9])], attrs: { pads: [1, 1, 1, 1], activation: 'Relu' }, tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'FusedConv depthwise Clip(0, 6)', op: 'FusedConv', domain: 'kiln', inputs: [f32([1, 6, 7, 7], -9, 9), f32([6, 1, 3, 3]), f32([6])], attrs: { group: 6, pads: [1, 1, 1, 1], activation: 'Clip', activation_params: [0, 6] } },
  { name: 'FusedMatMul alpha + bias + Z + Gelu', op: 'FusedMatMul', domain: 'kiln', inputs: [f32([2, 5, 8]), f32([8, 6]), f32([6]), f32([2, 5, 6])], attrs: { alpha: 0.125, activation: 'Gelu' } },
  { name: 'FusedGemm HardSigmoid', op: 'FusedGemm', domain: 'kiln', inputs: [f32([3, 4]), f32([5, 4]), f32([5])], attrs: { transB: 1, activation: 'HardSigmoid', activation_params: [0.3, 0.4] } },
  { name: 'FusedMatMul Silu', op: 'FusedMatMul', domain: 'kiln', inputs: [f32([4, 8]), f32([8, 3])], attrs: { activation: 'Silu' } },
  { name: 'kiln.Gelu', op: 'Gelu', domain: 'kiln', inputs: [f32([40])] },
  { name: 'kiln.LayerNorm', op: 'LayerNorm', domain: 'kiln', inputs: [f32([3, 64]), f32([64]), f32([64])], attrs: { epsilon: 1e-12 } },
  { name: 'BatchNormalization', op: 'BatchNormalization', inputs: [f32([2, 3, 4, 5]), f32([3]), f32([3]), f32([3]), pos([3])], constInputs: [1, 2, 3, 4] },
  ...moreCases(),
];
