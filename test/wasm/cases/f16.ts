/**
 * float16 nodes: MatMul, Gemm and Conv keep float16 weights as float16 panels; every other float op runs
 * through the float32 kernel with float16 inputs and outputs converted. The reference computes in
 * float64 and rounds once to float16; the wasm kernels compute in float32 and round once, so results
 * differ by at most about one float16 ulp.
 */
import { Tensor } from '../../../src/index.js';
import { numberToFloat16 } from '../../../src/engine/ir/minifloat.js';
import { i64, rand, type OpCase } from '../harness.js';

const h = (dims: number[], seed: number, scale = 1): Tensor => {
  const f = rand(dims, seed, scale).data as Float32Array;
  return new Tensor('float16', Uint16Array.from(f, (v) => numberToFloat16(v)), dims);
};
const tol = { rtol: 4e-3, atol: 2e-3 };
const c = (op: string, inputs: (Tensor | undefined)[], extra: Partial<OpCase> = {}): OpCase => ({ op, inputs, ...tol, ...extra });

export const f16Cases: [string, OpCase][] = [
  ['MatMul f16 weights', c('MatMul', [h([2, 9, 33], 1), h([33, 21], 2, 0.3)], { constants: [1] })],
  ['MatMul f16 large weights', c('MatMul', [h([20, 64], 1), h([64, 70], 2, 0.2)], { constants: [1], rtol: 8e-3 })],
  ['MatMul f16 activations', c('MatMul', [h([3, 5, 7], 3), h([7, 9], 4)])],
  ['Gemm f16 transB bias', c('Gemm', [h([7, 12], 5), h([9, 12], 6, 0.3), h([9], 7)], { attrs: { transB: 1, alpha: 0.5 }, constants: [1, 2] })],
  ['Conv f16 weights + bias', c('Conv', [h([1, 6, 9, 7], 8), h([10, 6, 3, 3], 9, 0.3), h([10], 10)], { attrs: { pads: [1, 1, 1, 1] }, constants: [1, 2] })],
  ['Conv f16 grouped strided', c('Conv', [h([2, 8, 11, 10], 11), h([6, 4, 3, 3], 12, 0.3)], { attrs: { group: 2, strides: [2, 2] }, constants: [1] })],
  ['Conv f16 depthwise', c('Conv', [h([1, 8, 9, 9], 13), h([8, 1, 3, 3], 14, 0.5), h([8], 15)], { attrs: { group: 8, pads: [1, 1, 1, 1] }, constants: [1, 2] })],
  ['Conv f16 non-constant weights', c('Conv', [h([1, 3, 6, 6], 16), h([4, 3, 3, 3], 17, 0.3)])],
  ['Add f16 broadcast', c('Add', [h([2, 3, 4], 18), h([4], 19)])],
  ['Relu f16', c('Relu', [h([5, 7], 20)])],
  ['Sigmoid f16', c('Sigmoid', [h([5, 7], 21, 4)])],
  ['Clip f16 bounds', c('Clip', [h([5, 7], 22), h([], 23, 0.2), h([], 24, 0.9)])],
  ['Softmax f16', c('Softmax', [h([4, 10], 25, 3)])],
  ['LayerNormalization f16', c('LayerNormalization', [h([3, 16], 26), h([16], 27), h([16], 28)], { attrs: { axis: -1 } })],
  ['GlobalAveragePool f16', c('GlobalAveragePool', [h([1, 4, 5, 5], 29)])],
  ['ReduceMean f16', c('ReduceMean', [h([3, 4, 5], 30), i64([1], [1])])],
  ['Transpose f16', c('Transpose', [h([3, 5], 31)], { rtol: 0, atol: 0 })],
  ['Cast f16 → f32', c('Cast', [h([3, 5], 32)], { attrs: { to: 1 }, rtol: 0, atol: 0 })],
];
