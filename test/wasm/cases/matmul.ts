/** MatMul, Gemm and their fused forms: batches, broadcasting, 1-D operands, odd sizes, empty dims. */
import { rand, type OpCase } from '../harness.js';

const mm = (name: string, a: number[], b: number[], constB = true): [string, OpCase] =>
  [name, { op: 'MatMul', inputs: [rand(a, 41), rand(b, 42)], constants: constB ? [1] : [] }];

export const matmulCases: [string, OpCase][] = [
  mm('MatMul 2-D odd sizes', [13, 17], [17, 11]),
  mm('MatMul 3-D x 2-D weights', [2, 9, 33], [33, 21]),
  mm('MatMul 3-D x 2-D activations', [3, 5, 7], [7, 9], false),
  mm('MatMul batched 4-D', [1, 4, 13, 16], [1, 4, 16, 13], false),
  mm('MatMul broadcast batches', [2, 1, 5, 6], [1, 3, 6, 7], false),
  mm('MatMul 1-D x 2-D', [9], [9, 5]),
  mm('MatMul 2-D x 1-D', [6, 9], [9], false),
  mm('MatMul K = 0', [4, 0], [0, 5]),
  mm('MatMul M = 0', [0, 3], [3, 5]),
  mm('MatMul 128x256 x 256x1024', [1, 128, 256], [256, 1024]),
  ['Gemm transA transB alpha beta, C [N]', { op: 'Gemm', inputs: [rand([7, 5], 1), rand([9, 7], 2), rand([9], 3)], attrs: { transA: 1, transB: 1, alpha: 0.5, beta: 2 }, constants: [1, 2] }],
  ['Gemm C [M, 1]', { op: 'Gemm', inputs: [rand([5, 7], 1), rand([7, 9], 2), rand([5, 1], 3)], constants: [1] }],
  ['Gemm C [M, N]', { op: 'Gemm', inputs: [rand([5, 7], 1), rand([7, 9], 2), rand([5, 9], 3)], attrs: { beta: 0.5 } }],
  ['Gemm C scalar', { op: 'Gemm', inputs: [rand([5, 7], 1), rand([7, 9], 2), rand([], 3)] }],
  ['Gemm without C', { op: 'Gemm', inputs: [rand([1, 32], 1), rand([10, 32], 2)], attrs: { transB: 1 }, constants: [1] }],
  ['FusedGemm Relu', { op: 'FusedGemm', domain: 'kiln', inputs: [rand([6, 8], 1), rand([8, 11], 2), rand([11], 3)], attrs: { activation: 'Relu' }, constants: [1, 2] }],
  ['FusedMatMul alpha', { op: 'FusedMatMul', domain: 'kiln', inputs: [rand([2, 13, 17], 3), rand([17, 21], 4)], attrs: { alpha: 0.125 } }],
  ['FusedMatMul bias Gelu', { op: 'FusedMatMul', domain: 'kiln', inputs: [rand([2, 13, 17], 3), rand([17, 21], 4), rand([21], 5)], constants: [1, 2], attrs: { activation: 'Gelu' } }],
  ['FusedMatMul bias + residual', { op: 'FusedMatMul', domain: 'kiln', inputs: [rand([2, 13, 17], 3), rand([17, 21], 4), rand([21], 5), rand([2, 13, 21], 6)], constants: [1, 2] }],
  ['FusedMatMul batched alpha', { op: 'FusedMatMul', domain: 'kiln', inputs: [rand([1, 4, 13, 17], 3), rand([1, 4, 17, 21], 4)], attrs: { alpha: 0.125 } }],
  ['FusedMatMul Relu non-constant bias', { op: 'FusedMatMul', domain: 'kiln', inputs: [rand([3, 10], 3), rand([10, 6], 4), rand([6], 5)], attrs: { activation: 'Relu' } }],
];
