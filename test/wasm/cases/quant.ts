/** 8-bit integer cases: MatMulInteger, QLinearMatMul, ConvInteger, QLinearConv (exact results). */
import { Tensor } from '../../../src/index.js';
import { f32, type OpCase } from '../harness.js';

function q(type: 'uint8' | 'int8', dims: number[], seed: number): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  let s = seed;
  const v = Array.from({ length: n }, () => { s = (s * 1103515245 + 12345) >>> 0; return (s >>> 16) & 255; });
  return type === 'uint8' ? new Tensor('uint8', Uint8Array.from(v), dims) : new Tensor('int8', Int8Array.from(v.map((x) => x - 128)), dims);
}
const u8 = (dims: number[], v: number[]) => new Tensor('uint8', Uint8Array.from(v), dims);
const s8 = (dims: number[], v: number[]) => new Tensor('int8', Int8Array.from(v), dims);
const exact = { rtol: 0, atol: 0 };

export const quantCases: [string, OpCase][] = [
  ['MatMulInteger u8 x u8 with zero points', { op: 'MatMulInteger', inputs: [q('uint8', [7, 13], 1), q('uint8', [13, 11], 2), u8([], [12]), u8([], [130])], ...exact }],
  ['MatMulInteger i8 x u8, per-row a zero point', { op: 'MatMulInteger', inputs: [q('int8', [5, 9], 3), q('uint8', [9, 6], 4), s8([5], [1, -2, 3, 0, 5])], ...exact }],
  ['MatMulInteger batched 3-D x 2-D', { op: 'MatMulInteger', inputs: [q('uint8', [2, 4, 17], 5), q('int8', [17, 10], 6)], ...exact }],
  ['QLinearMatMul u8 per tensor', { op: 'QLinearMatMul', inputs: [q('uint8', [6, 10], 7), f32([], [0.02]), u8([], [120]), q('uint8', [10, 9], 8), f32([], [0.015]), u8([], [127]), f32([], [0.1]), u8([], [100])], ...exact }],
  ['QLinearMatMul i8, per-column b', { op: 'QLinearMatMul', inputs: [q('int8', [3, 12], 9), f32([], [0.03]), s8([], [-3]), q('int8', [12, 5], 10), f32([5], [0.01, 0.02, 0.03, 0.015, 0.05]), s8([5], [0, 1, -1, 2, 0]), f32([], [0.2]), s8([], [5])], ...exact }],
  ['ConvInteger 3x3 pad 1', { op: 'ConvInteger', inputs: [q('uint8', [1, 3, 6, 7], 11), q('uint8', [4, 3, 3, 3], 12), u8([], [128]), u8([], [127])], attrs: { pads: [1, 1, 1, 1] }, ...exact }],
  ['QLinearConv per-channel, bias, stride 2', { op: 'QLinearConv', inputs: [q('uint8', [1, 4, 9, 8], 13), f32([], [0.05]), u8([], [128]), q('int8', [6, 4, 3, 3], 14), f32([6], [0.01, 0.02, 0.005, 0.03, 0.012, 0.02]), s8([6], [0, 0, 0, 0, 0, 0]), f32([], [0.3]), u8([], [120]), new Tensor('int32', Int32Array.from([10, -20, 300, 0, -5, 77]), [6])], attrs: { pads: [1, 1, 1, 1], strides: [2, 2] }, constants: [3, 5], ...exact }],
  ['QLinearConv group 2, int8 output, weights as input', { op: 'QLinearConv', inputs: [q('int8', [2, 4, 5, 5], 15), f32([], [0.04]), s8([], [2]), q('int8', [4, 2, 3, 3], 16), f32([], [0.02]), s8([], [0]), f32([], [0.25]), s8([], [-4])], attrs: { group: 2 }, ...exact }],
];
