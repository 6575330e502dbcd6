import { describe, expect, it } from 'vitest';
import { Graph, Node, Tensor, type RuntimeValue } from '../../src/index.js';
import { int64Tensor } from '../../src/engine/elements.js';
import { tensorType } from '../../src/engine/ir/types.js';
import { runOp } from '../helpers/run-op.js';
import { errorCode, f32, i64, i64Scalar, nums } from '../helpers/op-test-utils.js';

/** The elements of each tensor of a sequence, as numbers. */
const seqNums = (s: RuntimeValue | undefined) => (s as Tensor[]).map(nums);

const a = f32([1]);
const b = f32([2, 2]);
const c = f32([3, 3, 3]);

describe('sequence construction and access', () => {
  it('SequenceConstruct / SequenceLength / SequenceAt with a negative position', async () => {
    const [s] = await runOp('SequenceConstruct', [a, b, c]);
    expect(seqNums(s)).toEqual([[1], [2, 2], [3, 3, 3]]);
    expect(nums((await runOp('SequenceLength', [s]))[0])).toEqual([3]);
    expect(nums((await runOp('SequenceAt', [s, i64Scalar(-2)]))[0])).toEqual([2, 2]);
  });
  it('SequenceEmpty makes an empty sequence', async () => {
    expect(await runOp('SequenceEmpty', [], { dtype: 7 })).toEqual([[]]);
  });
  it('SequenceInsert: at the end by default, before a negative position, at n', async () => {
    expect(seqNums((await runOp('SequenceInsert', [[a, b], c]))[0])).toEqual([[1], [2, 2], [3, 3, 3]]);
    expect(seqNums((await runOp('SequenceInsert', [[a, b], c, i64Scalar(-1)]))[0])).toEqual([[1], [3, 3, 3], [2, 2]]);
    expect(seqNums((await runOp('SequenceInsert', [[a, b], c, i64Scalar(2)]))[0])).toEqual([[1], [2, 2], [3, 3, 3]]);
  });
  it('SequenceErase: the last by default, else the position', async () => {
    expect(seqNums((await runOp('SequenceErase', [[a, b, c]]))[0])).toEqual([[1], [2, 2]]);
    expect(seqNums((await runOp('SequenceErase', [[a, b, c], i64Scalar(-3)]))[0])).toEqual([[2, 2], [3, 3, 3]]);
  });
  it('positions out of range, erasing from an empty sequence and mixed types are errors', async () => {
    expect(await errorCode(runOp('SequenceAt', [[a, b], i64Scalar(2)]))).toBe('E_INPUT_INVALID');
    expect(await errorCode(runOp('SequenceAt', [[a, b], i64Scalar(-3)]))).toBe('E_INPUT_INVALID');
    expect(await errorCode(runOp('SequenceInsert', [[a], c, i64Scalar(3)]))).toBe('E_INPUT_INVALID');
    expect(await errorCode(runOp('SequenceErase', [[]]))).toBe('E_INPUT_INVALID');
    expect(await errorCode(runOp('SequenceInsert', [[a], i64([1])]))).toBe('E_TYPE_UNSUPPORTED');
    expect(await errorCode(runOp('SequenceConstruct', [a, i64([1])]))).toBe('E_TYPE_UNSUPPORTED');
    expect(await errorCode(runOp('SequenceLength', [a]))).toBe('E_MODEL_INVALID');
  });
});

describe('SplitToSequence / ConcatFromSequence', () => {
  const x = f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [2, 5]);
  it('a scalar split gives equal chunks and a shorter last one', async () => {
    const [s] = await runOp('SplitToSequence', [x, i64Scalar(2)], { axis: 1 });
    expect((s as Tensor[]).map((t) => t.dims)).toEqual([[2, 2], [2, 2], [2, 1]]);
    expect(nums((s as Tensor[])[2])).toEqual([4, 9]);
  });
  it('no split: size-1 pieces, squeezed without keepdims; split sizes must add up', async () => {
    const [s] = await runOp('SplitToSequence', [x], { axis: 0, keepdims: 0 });
    expect(seqNums(s)).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
    expect((s as Tensor[])[0]!.dims).toEqual([5]);
    expect(await errorCode(runOp('SplitToSequence', [x, int64Tensor([2, 2], [2])], { axis: 1 }))).toBe('E_INPUT_INVALID');
  });
  it('ConcatFromSequence concatenates, or stacks with new_axis (negative axis counts rank + 1)', async () => {
    const p = f32([1, 2], [1, 2]);
    const q = f32([3, 4, 5, 6], [2, 2]);
    const [cat] = (await runOp('ConcatFromSequence', [[p, q]], { axis: 0 })) as Tensor[];
    expect(cat!.dims).toEqual([3, 2]);
    expect(nums(cat)).toEqual([1, 2, 3, 4, 5, 6]);
    const [st] = (await runOp('ConcatFromSequence', [[f32([1, 2]), f32([3, 4])]], { axis: -1, new_axis: 1 })) as Tensor[];
    expect(st!.dims).toEqual([2, 2]);
    expect(nums(st)).toEqual([1, 3, 2, 4]);
    expect(await errorCode(runOp('ConcatFromSequence', [[p, f32([1, 2, 3], [1, 3])]], { axis: 0 }))).toBe('E_SHAPE_MISMATCH');
    expect(await errorCode(runOp('ConcatFromSequence', [[]], { axis: 0 }))).toBe('E_INPUT_INVALID');
  });
});

describe('SequenceMap', () => {
  const g = new Graph();
  g.opsets.set('', 22);
  g.inputs = [{ name: 'x', type: tensorType('float32') }, { name: 'y', type: tensorType('float32') }];
  g.outputs = [{ name: 'z' }];
  g.nodes.push(new Node('add', 'Add', ['x', 'y'], ['z']));
  it('maps a body over sequence elements, passing tensors whole', async () => {
    const [s] = await runOp('SequenceMap', [[f32([1, 2]), f32([3])], f32([10])], { body: g });
    expect(seqNums(s)).toEqual([[11, 12], [13]]);
    const [t] = await runOp('SequenceMap', [[f32([1]), f32([2])], [f32([5]), f32([7])]], { body: g });
    expect(seqNums(t)).toEqual([[6], [9]]);
  });
  it('sequences of different lengths are an error', async () => {
    expect(await errorCode(runOp('SequenceMap', [[f32([1])], [f32([5]), f32([7])]], { body: g }))).toBe('E_SHAPE_MISMATCH');
  });
});

describe('optional', () => {
  it('Optional wraps a value or makes an empty one; OptionalHasElement tells which', async () => {
    const [full] = await runOp('Optional', [a]);
    expect(nums(full)).toEqual([1]);
    const [empty] = await runOp('Optional', [], { type: tensorType('float32', [1]) });
    expect(empty).toBeNull();
    expect(nums((await runOp('OptionalHasElement', [null]))[0])).toEqual([0]);
    expect(nums((await runOp('OptionalHasElement', [[a]]))[0])).toEqual([1]);
    expect(nums((await runOp('OptionalHasElement', []))[0])).toEqual([0]);
  });
  it('OptionalGetElement unwraps, and fails on an empty optional', async () => {
    expect(seqNums((await runOp('OptionalGetElement', [[a, b]]))[0])).toEqual([[1], [2, 2]]);
    expect(await errorCode(runOp('OptionalGetElement', [null]))).toBe('E_INPUT_INVALID');
  });
  it('an Optional with neither input nor type is rejected', async () => {
    expect(await errorCode(runOp('Optional', []))).toBe('E_MODEL_INVALID');
  });
});
