/** Data movement: reshape family, Transpose, Concat, Split, Slice, Expand, Gather; several element types. */
import { Tensor } from '../../../src/index.js';
import { i64, rand, type OpCase } from '../harness.js';

const ints = (dims: number[]) => new Tensor('int32', Int32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i * 7 - 50), dims);
const bytes = (dims: number[]) => new Tensor('uint8', Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => (i * 13) & 255), dims);
const longs = (dims: number[]) => new Tensor('int64', BigInt64Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => BigInt(i) * 3000000000n), dims);

export const shapeCases: [string, OpCase][] = [
  ['Reshape', { op: 'Reshape', inputs: [rand([2, 3, 4], 1), i64([2], [6, -1])] }],
  ['Flatten', { op: 'Flatten', inputs: [rand([2, 3, 4, 5], 1)], attrs: { axis: 2 } }],
  ['Squeeze', { op: 'Squeeze', inputs: [rand([1, 3, 1, 4], 1), i64([1], [2])] }],
  ['Unsqueeze', { op: 'Unsqueeze', inputs: [rand([3, 4], 1), i64([2], [0, 3])] }],
  ['Identity', { op: 'Identity', inputs: [rand([5, 5], 1)] }],
  ['Transpose 0,2,1,3', { op: 'Transpose', inputs: [rand([1, 7, 4, 9], 1)], attrs: { perm: [0, 2, 1, 3] } }],
  ['Transpose 2-D', { op: 'Transpose', inputs: [rand([13, 11], 1)] }],
  ['Transpose 3-D rotate', { op: 'Transpose', inputs: [rand([3, 5, 7], 1)], attrs: { perm: [2, 0, 1] } }],
  ['Transpose int64', { op: 'Transpose', inputs: [longs([4, 6])], attrs: { perm: [1, 0] } }],
  ['Transpose uint8 4-D', { op: 'Transpose', inputs: [bytes([2, 3, 4, 5])], attrs: { perm: [3, 1, 0, 2] } }],
  ['Concat axis 1', { op: 'Concat', inputs: [rand([2, 3, 4], 1), rand([2, 5, 4], 2), rand([2, 1, 4], 3)], attrs: { axis: 1 } }],
  ['Concat last axis int32', { op: 'Concat', inputs: [ints([3, 2]), ints([3, 5])], attrs: { axis: -1 } }],
  ['Concat with an empty input', { op: 'Concat', inputs: [rand([2, 0, 3], 1), rand([2, 4, 3], 2)], attrs: { axis: 1 } }],
  ['Split', { op: 'Split', inputs: [rand([4, 10, 3], 1), i64([3], [2, 5, 3])], attrs: { axis: 1 }, outputs: 3 }],
  ['Slice steps', { op: 'Slice', inputs: [rand([6, 9, 5], 1), i64([2], [1, 8]), i64([2], [6, 0]), i64([2], [0, 1]), i64([2], [2, -3])] }],
  ['Slice empty', { op: 'Slice', inputs: [rand([6, 4], 1), i64([1], [3]), i64([1], [3]), i64([1], [0])] }],
  ['Expand', { op: 'Expand', inputs: [rand([3, 1, 4], 1), i64([4], [2, 3, 5, 4])] }],
  ['Expand int64', { op: 'Expand', inputs: [longs([1, 3]), i64([2], [4, 3])] }],
  ['Gather axis 0', { op: 'Gather', inputs: [rand([10, 6], 1), i64([2, 3], [0, 9, -1, 4, 4, 2])] }],
  ['Gather axis 1 int32 indices', { op: 'Gather', inputs: [rand([3, 8, 2], 1), new Tensor('int32', Int32Array.from([7, 0, -8]), [3])], attrs: { axis: 1 } }],
  ['Gather scalar index', { op: 'Gather', inputs: [ints([5, 4]), i64([], [3])] }],
];
