import { describe, expect, it } from 'vitest';
import { Graph, Node, Tensor, type Attribute } from '../../src/index.js';
import { fromNumbers, int64Tensor } from '../../src/engine/elements.js';
import { getSchema } from '../../src/engine/ops/index.js';
import { tensorType, type Dim, type TensorType } from '../../src/engine/ir/types.js';
import { inferShapes } from '../../src/engine/passes/shape-inference.js';
import { runOp } from '../helpers/run-op.js';
import { elements, errorCode, f32, i64, nums, runFirst } from '../helpers/op-test-utils.js';

/** Static inference of one node over symbolic input types; `consts` are initializers. */
function inferStatic(op: string, types: (TensorType | undefined)[], consts: Record<number, Tensor> = {}, attrs: Record<string, unknown> = {}, opset = 22, nOut = 1): readonly (readonly Dim[] | undefined)[] {
  const g = new Graph();
  g.opsets.set('', opset);
  const names = types.map((_, i) => `in${i}`);
  types.forEach((t, i) => {
    if (consts[i]) g.initializers.set(names[i]!, consts[i]!);
    else if (t) { g.inputs.push({ name: names[i]!, type: t }); g.valueTypes.set(names[i]!, t); }
  });
  const schema = getSchema(op)!;
  const attrMap = new Map<string, Attribute>();
  for (const [k, v] of Object.entries(attrs)) attrMap.set(k, { type: schema.attrs[k]!.type, value: v } as Attribute);
  const outs = Array.from({ length: nOut }, (_, i) => `out${i}`);
  g.nodes.push(new Node('n', op, names, outs, attrMap));
  inferShapes(g);
  return outs.map((o) => (g.valueTypes.get(o) as TensorType | undefined)?.shape);
}

describe('Reshape family', () => {
  it('Reshape copies dims with 0 and infers -1; allowzero keeps a 0', async () => {
    const x = f32(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    expect((await runFirst('Reshape', [x, i64([0, -1])])).dims).toEqual([2, 12]);
    const empty = new Tensor('float32', [], [0, 3]);
    expect((await runFirst('Reshape', [empty, i64([3, 0])], { allowzero: 1 })).dims).toEqual([3, 0]);
    expect((await runFirst('Reshape', [x], { shape: [4, -1] }, { opset: 1 })).dims).toEqual([4, 6]);
  });
  it('Reshape rejects bad targets', async () => {
    const x = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(await errorCode(runOp('Reshape', [x, i64([-1, -1])]))).toBe('E_MODEL_INVALID');
    expect(await errorCode(runOp('Reshape', [x, i64([4, 2])]))).toBe('E_SHAPE_MISMATCH');
    expect(await errorCode(runOp('Reshape', [x, i64([0, -1])], { allowzero: 1 }))).toBe('E_MODEL_INVALID');
  });
  it('Reshape infers through symbols statically', () => {
    const t = tensorType('float32', ['batch', 'seq', 768]);
    expect(inferStatic('Reshape', [t, undefined], { 1: i64([0, 0, 12, 64]) })[0]).toEqual(['batch', 'seq', 12, 64]);
    expect(inferStatic('Reshape', [t, undefined], { 1: i64([0, -1]) })[0]).toEqual(['batch', expect.any(String)]);
    const [s] = inferStatic('Reshape', [tensorType('float32', ['b', 6]), undefined], { 1: i64([0, 2, -1]) });
    expect(s).toEqual(['b', 2, 3]);
    // A non-constant shape input of known length gives the rank.
    expect(inferStatic('Reshape', [t, tensorType('int64', [3])])[0]).toHaveLength(3);
  });
  it('Flatten, Squeeze, Unsqueeze (attribute and input forms)', async () => {
    const x = f32(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    expect((await runFirst('Flatten', [x], { axis: -1 })).dims).toEqual([6, 4]);
    expect((await runFirst('Flatten', [x], { axis: 0 })).dims).toEqual([1, 24]);
    const y = f32([1, 2, 3], [1, 3, 1]);
    expect((await runFirst('Squeeze', [y])).dims).toEqual([3]);
    expect((await runFirst('Squeeze', [y], { axes: [-1] }, { opset: 11 })).dims).toEqual([1, 3]);
    expect((await runFirst('Squeeze', [y, i64([0])])).dims).toEqual([3, 1]);
    expect(await errorCode(runOp('Squeeze', [y, i64([1])]))).toBe('E_SHAPE_MISMATCH');
    expect((await runFirst('Unsqueeze', [x, i64([-1, 0])])).dims).toEqual([1, 2, 3, 4, 1]);
    expect((await runFirst('Unsqueeze', [x], { axes: [1] }, { opset: 11 })).dims).toEqual([2, 1, 3, 4]);
    expect(await errorCode(runOp('Unsqueeze', [x, i64([0, 0])]))).toBe('E_MODEL_INVALID');
  });
});

describe('data movement keeps every element type', () => {
  it('Transpose of int4, strings and float16 bits', async () => {
    const q = fromNumbers('int4', [-8, -1, 0, 1, 2, 7], [2, 3]);
    const t = await runFirst('Transpose', [q]);
    expect(t.type).toBe('int4');
    expect(nums(t)).toEqual([-8, 1, -1, 2, 0, 7]);
    const s = new Tensor('string', ['a', 'b', 'c', 'd', 'e', 'f'], [3, 2]);
    expect(elements(await runFirst('Transpose', [s], { perm: [1, 0] }))).toEqual(['a', 'c', 'e', 'b', 'd', 'f']);
    const h = new Tensor('float16', new Uint16Array([0x7e01, 0x8000, 0x3c00, 0x7c00]), [2, 2]);
    expect(elements(await runFirst('Transpose', [h]))).toEqual([0x7e01, 0x3c00, 0x8000, 0x7c00]);
    expect(await errorCode(runOp('Transpose', [s], { perm: [0, 0] }))).toBe('E_SHAPE_MISMATCH');
  });
  it('Concat of strings, bools and uint4; mismatched dims fail', async () => {
    const a = new Tensor('string', ['a', 'b'], [1, 2]);
    const b = new Tensor('string', ['c', 'd', 'e', 'f'], [2, 2]);
    expect(elements(await runFirst('Concat', [a, b], { axis: 0 }))).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const u = fromNumbers('uint4', [1, 2, 3], [3]);
    const c = await runFirst('Concat', [u, u], { axis: 0 });
    expect([c.type, nums(c)]).toEqual(['uint4', [1, 2, 3, 1, 2, 3]]);
    const t = new Tensor('bool', [true, false], [2, 1]);
    expect(nums(await runFirst('Concat', [t, t], { axis: 1 }))).toEqual([1, 1, 0, 0]);
    expect(await errorCode(runOp('Concat', [a, new Tensor('string', ['x'], [1, 1])], { axis: 0 }))).toBe('E_SHAPE_MISMATCH');
  });
  it('Gather, GatherElements and GatherND move strings and complex numbers', async () => {
    const s = new Tensor('string', ['a', 'b', 'c', 'd'], [2, 2]);
    expect(elements(await runFirst('Gather', [s, i64([-1, 0])], { axis: 1 }))).toEqual(['b', 'a', 'd', 'c']);
    const cx = new Tensor('complex64', new Float32Array([1, 2, 3, 4, 5, 6]), [3]);
    expect(Array.from((await runFirst('Gather', [cx, i64([2, 0], [2])])).data as Float32Array)).toEqual([5, 6, 1, 2]);
    expect(elements(await runFirst('GatherElements', [s, i64([1, 1, 0, 1], [2, 2])], { axis: 0 }))).toEqual(['c', 'd', 'a', 'd']);
    const d = f32([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]);
    expect(nums(await runFirst('GatherND', [d, i64([1, 0], [2, 1])], { batch_dims: 1 }))).toEqual([2, 3, 4, 5]);
    expect(await errorCode(runOp('Gather', [s, i64([2])], { axis: 0 }))).toBe('E_INPUT_INVALID');
    expect(await errorCode(runOp('GatherND', [d, i64([2, 0], [1, 2])]))).toBe('E_INPUT_INVALID');
  });
});

describe('Split and Slice', () => {
  it('Split: num_outputs with an uneven last chunk, split input, split attribute', async () => {
    const x = f32([1, 2, 3, 4, 5, 6, 7]);
    const parts = (await runOp('Split', [x], { num_outputs: 4 }, { opset: 18, outputs: 4 })) as Tensor[];
    expect(parts.map((p) => p.dims[0])).toEqual([2, 2, 2, 1]);
    const q = (await runOp('Split', [x, i64([3, 4])], {}, { opset: 13, outputs: 2 })) as Tensor[];
    expect(q.map(nums)).toEqual([[1, 2, 3], [4, 5, 6, 7]]);
    const r = (await runOp('Split', [x], { split: [5, 2] }, { opset: 11, outputs: 2 })) as Tensor[];
    expect(r.map((p) => p.dims[0])).toEqual([5, 2]);
    expect(await errorCode(runOp('Split', [x, i64([3, 3])], {}, { opset: 13, outputs: 2 }))).toBe('E_SHAPE_MISMATCH');
    expect(await errorCode(runOp('Split', [x], {}, { opset: 13, outputs: 2 }))).toBe('E_SHAPE_MISMATCH');
  });
  it('Slice clamps INT64 extremes, takes negative steps and the opset-1 attributes', async () => {
    const x = f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const big = 2 ** 63;
    const bigT = (v: bigint) => new Tensor('int64', [v], [1]);
    expect(nums(await runFirst('Slice', [x, bigT(-(2n ** 63n)), bigT(2n ** 63n - 1n)]))).toHaveLength(10);
    expect(nums(await runFirst('Slice', [x, i64([-1]), bigT(-(2n ** 63n)), i64([0]), i64([-3])]))).toEqual([9, 6, 3, 0]);
    expect(nums(await runFirst('Slice', [x, i64([8]), i64([2]), i64([0]), i64([-2])]))).toEqual([8, 6, 4]);
    expect(nums(await runFirst('Slice', [x, i64([5]), i64([2])]))).toEqual([]);
    expect(nums(await runFirst('Slice', [x], { starts: [2], ends: [big], axes: [0] }, { opset: 9 }))).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await errorCode(runOp('Slice', [x, i64([0]), i64([1]), i64([0]), i64([0])]))).toBe('E_MODEL_INVALID');
  });
  it('Slice keeps a symbolic dim read to the end', () => {
    const [s] = inferStatic('Slice', [tensorType('float32', ['n', 10]), undefined, undefined, undefined],
      { 1: i64([0, 2]), 2: int64Tensor([2 ** 62, 8]), 3: i64([0, 1]) });
    expect(s).toEqual(['n', 6]);
  });
});

describe('Tile, Expand, DepthToSpace, SpaceToDepth', () => {
  it('Tile and Expand', async () => {
    const x = f32([1, 2, 3], [3, 1]);
    expect(nums(await runFirst('Tile', [x, i64([1, 2])]))).toEqual([1, 1, 2, 2, 3, 3]);
    const e = await runFirst('Expand', [x, i64([2, 1, 2])]);
    expect(e.dims).toEqual([2, 3, 2]);
    expect(nums(e)).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
    expect(await errorCode(runOp('Expand', [x, i64([2, 2])]))).toBe('E_SHAPE_MISMATCH');
    expect(await errorCode(runOp('Tile', [x, i64([2])]))).toBe('E_SHAPE_MISMATCH');
  });
  it('SpaceToDepth then DepthToSpace(DCR) is the identity; CRD differs', async () => {
    const x = f32(Array.from({ length: 32 }, (_, i) => i), [1, 2, 4, 4]);
    const s = await runFirst('SpaceToDepth', [x], { blocksize: 2 });
    expect(s.dims).toEqual([1, 8, 2, 2]);
    expect(nums(await runFirst('DepthToSpace', [s], { blocksize: 2, mode: 'DCR' }))).toEqual(nums(x));
    const crd = await runFirst('DepthToSpace', [f32(Array.from({ length: 8 }, (_, i) => i), [1, 8, 1, 1])], { blocksize: 2, mode: 'CRD' });
    expect(nums(crd)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await errorCode(runOp('DepthToSpace', [x], { blocksize: 3 }))).toBe('E_SHAPE_MISMATCH');
  });
});

describe('Pad and CenterCropPad', () => {
  const x = f32([1, 2, 3]);
  it('modes, negative pads, axes', async () => {
    expect(nums(await runFirst('Pad', [x, i64([2, 2])], { mode: 'reflect' }))).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(nums(await runFirst('Pad', [x, i64([2, 1])], { mode: 'edge' }))).toEqual([1, 1, 1, 2, 3, 3]);
    expect(nums(await runFirst('Pad', [x, i64([4, 1])], { mode: 'wrap' }))).toEqual([3, 1, 2, 3, 1, 2, 3, 1]);
    expect(nums(await runFirst('Pad', [x, i64([-1, 1]), f32([9], [])]))).toEqual([2, 3, 9]);
    const m = f32([1, 2, 3, 4], [2, 2]);
    expect(nums(await runFirst('Pad', [m, i64([1, 0]), undefined, i64([-1])], {}, { opset: 18 }))).toEqual([0, 1, 2, 0, 3, 4]);
    expect(nums(await runFirst('Pad', [x], { pads: [1, 0], value: 5 }, { opset: 2 }))).toEqual([5, 1, 2, 3]);
    const s = new Tensor('string', ['a'], [1]);
    expect(elements(await runFirst('Pad', [s, i64([1, 1]), new Tensor('string', ['-'], [])]))).toEqual(['-', 'a', '-']);
    expect(await errorCode(runOp('Pad', [x, i64([-2, -2])]))).toBe('E_SHAPE_MISMATCH');
    expect(await errorCode(runOp('Pad', [x, i64([1])]))).toBe('E_SHAPE_MISMATCH');
  });
  it('CenterCropPad crops and pads around the centre', async () => {
    const y = await runFirst('CenterCropPad', [f32([1, 2, 3, 4, 5]), i64([2])]);
    expect(nums(y)).toEqual([2, 3]);
    expect(nums(await runFirst('CenterCropPad', [f32([1, 2]), i64([5])]))).toEqual([0, 1, 2, 0, 0]);
  });
});

describe('Resize and Upsample', () => {
  const x = f32([1, 2, 3, 4], [1, 1, 2, 2]);
  it('nearest works on integers and strings', async () => {
    const ints = new Tensor('int32', new Int32Array([1, 2, 3, 4]), [1, 1, 2, 2]);
    const y = await runFirst('Resize', [ints, undefined, f32([1, 1, 2, 2])], { mode: 'nearest' });
    expect([y.type, y.dims, nums(y).slice(0, 4)]).toEqual(['int32', [1, 1, 4, 4], [1, 1, 2, 2]]);
    const s = new Tensor('string', ['a', 'b'], [2]);
    expect(elements(await runFirst('Resize', [s, undefined, undefined, i64([4])], { mode: 'nearest', nearest_mode: 'floor', coordinate_transformation_mode: 'asymmetric' }))).toEqual(['a', 'a', 'b', 'b']);
  });
  it('linear with align_corners; cubic at scale 1 is the identity', async () => {
    const y = await runFirst('Resize', [f32([0, 3]), undefined, undefined, i64([4])], { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
    expect(nums(y)).toEqual([0, 1, 2, 3]);
    expect(nums(await runFirst('Resize', [x, undefined, f32([1, 1, 1, 1])], { mode: 'cubic' }))).toEqual([1, 2, 3, 4]);
  });
  it('Upsample (opset 9) repeats with integer scales', async () => {
    const y = await runFirst('Upsample', [x, f32([1, 1, 1, 2])], { mode: 'nearest' }, { opset: 9 });
    expect(nums(y)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });
  it('rejects scales together with sizes, and linear on strings', async () => {
    expect(await errorCode(runOp('Resize', [x, undefined, f32([1, 1, 2, 2]), i64([1, 1, 4, 4])]))).toBe('E_MODEL_INVALID');
    expect(await errorCode(runOp('Resize', [new Tensor('string', ['a'], [1]), undefined, f32([2])], { mode: 'linear' }))).toBe('E_TYPE_UNSUPPORTED');
  });
});

describe('tensor makers', () => {
  it('Constant and ConstantOfShape', async () => {
    expect(nums(await runFirst('Constant', [], { value_ints: [1, 2] }))).toEqual([1, 2]);
    expect(elements(await runFirst('Constant', [], { value_strings: ['a', 'b'] }))).toEqual(['a', 'b']);
    expect((await runFirst('Constant', [], { value_float: 2.5 })).dims).toEqual([]);
    expect(await errorCode(runOp('Constant', [], {}))).toBe('E_MODEL_INVALID');
    const c = await runFirst('ConstantOfShape', [i64([2, 2])], { value: int64Tensor([7], [1]) });
    expect([c.type, nums(c)]).toEqual(['int64', [7, 7, 7, 7]]);
    expect((await runFirst('ConstantOfShape', [i64([])])).dims).toEqual([]);
    expect(await errorCode(runOp('ConstantOfShape', [i64([-1])]))).toBe('E_MODEL_INVALID');
  });
  it('Range: exact int64, negative delta, float16, zero delta', async () => {
    const s = (v: bigint) => new Tensor('int64', [v], []);
    const r = await runFirst('Range', [s(2n ** 60n), s(2n ** 60n + 3n), s(1n)]);
    expect(Array.from(r.data as BigInt64Array)).toEqual([2n ** 60n, 2n ** 60n + 1n, 2n ** 60n + 2n]);
    expect(nums(await runFirst('Range', [s(5n), s(0n), s(-2n)]))).toEqual([5, 3, 1]);
    const h = (v: number) => fromNumbers('float16', [v], []);
    const y = await runFirst('Range', [h(0), h(1), h(0.25)]);
    expect([y.type, nums(y)]).toEqual(['float16', [0, 0.25, 0.5, 0.75]]);
    expect(await errorCode(runOp('Range', [s(0n), s(3n), s(0n)]))).toBe('E_INPUT_INVALID');
  });
  it('EyeLike, OneHot, Trilu', async () => {
    const z = new Tensor('int32', new Int32Array(6), [2, 3]);
    expect(nums(await runFirst('EyeLike', [z], { k: -1 }))).toEqual([0, 0, 0, 1, 0, 0]);
    expect((await runFirst('EyeLike', [z], { dtype: 9 })).type).toBe('bool');
    const oh = await runFirst('OneHot', [i64([0, -1]), f32([3], []), new Tensor('string', ['n', 'y'], [2])], { axis: 0 });
    expect([oh.dims, elements(oh)]).toEqual([[3, 2], ['y', 'n', 'n', 'n', 'n', 'y']]);
    const b = new Tensor('bool', [true, true, true, true, true, true, true, true, true], [3, 3]);
    expect(nums(await runFirst('Trilu', [b, i64([1], [])], { upper: 0 }))).toEqual([1, 1, 0, 1, 1, 1, 1, 1, 1]);
  });
});

describe('scatter', () => {
  it('ScatterElements reductions are exact on int64', async () => {
    const d = new Tensor('int64', [2n ** 62n, 0n], [2]);
    const y = await runFirst('ScatterElements', [d, i64([0, 0]), new Tensor('int64', [1n, 2n], [2])], { reduction: 'add' });
    expect(Array.from(y.data as BigInt64Array)).toEqual([2n ** 62n + 3n, 0n]);
    const m = await runFirst('ScatterElements', [f32([1, 5]), i64([1, 1]), f32([3, 7])], { reduction: 'max' });
    expect(nums(m)).toEqual([1, 7]);
    expect(await errorCode(runOp('ScatterElements', [f32([1, 5]), i64([1]), f32([3])], { reduction: 'max' }, { opset: 16 }))).toBe('E_MODEL_INVALID');
    expect(await errorCode(runOp('ScatterElements', [f32([1, 5]), i64([2]), f32([3])]))).toBe('E_INPUT_INVALID');
  });
  it('ScatterND on strings; TensorScatter linear and circular', async () => {
    const s = new Tensor('string', ['a', 'b', 'c', 'd'], [2, 2]);
    expect(elements(await runFirst('ScatterND', [s, i64([1], [1, 1]), new Tensor('string', ['x', 'y'], [1, 2])]))).toEqual(['a', 'b', 'x', 'y']);
    const cache = f32([0, 0, 0, 0, 0, 0], [2, 3, 1]);
    const upd = f32([1, 2, 3, 4], [2, 2, 1]);
    const lin = await runFirst('TensorScatter', [cache, upd, i64([0, 1])], {}, { opset: 24 });
    expect(nums(lin)).toEqual([1, 2, 0, 0, 3, 4]);
    const circ = await runFirst('TensorScatter', [cache, upd, i64([2, 1])], { mode: 'circular' }, { opset: 24 });
    expect(nums(circ)).toEqual([2, 0, 1, 0, 3, 4]);
    expect(await errorCode(runOp('TensorScatter', [cache, upd, i64([2, 0])], {}, { opset: 24 }))).toBe('E_INPUT_INVALID');
  });
});

describe('data-dependent outputs', () => {
  it('Compress, NonZero', async () => {
    const x = f32([1, 2, 3, 4, 5, 6], [3, 2]);
    const c = new Tensor('bool', [false, true], [2]);
    expect(nums(await runFirst('Compress', [x, c]))).toEqual([2]);
    expect(nums(await runFirst('Compress', [x, c], { axis: 1 }))).toEqual([2, 4, 6]);
    const long = new Tensor('bool', [false, false, false, true], [4]);
    expect(await errorCode(runOp('Compress', [x, long], { axis: 0 }))).toBe('E_INPUT_INVALID');
    const nz = await runFirst('NonZero', [new Tensor('int32', new Int32Array([0, 3, 4, 0]), [2, 2])]);
    expect([nz.dims, nums(nz)]).toEqual([[2, 2], [0, 1, 1, 0]]);
    const [s] = inferStatic('NonZero', [tensorType('float32', ['a', 3])]);
    expect(s![0]).toBe(2);
  });
  it('Unique: sorted, unsorted, strings, with axis, -0 equals 0', async () => {
    const x = f32([2, 1, -0, 2, 0]);
    const [y, idx, inv, cnt] = (await runOp('Unique', [x], {}, { outputs: 4 })) as Tensor[];
    expect([nums(y), nums(idx), nums(inv), nums(cnt)]).toEqual([[-0, 1, 2], [2, 1, 0], [2, 1, 0, 2, 0], [2, 1, 2]]);
    const s = new Tensor('string', ['b', 'a', 'b'], [3]);
    const [u] = (await runOp('Unique', [s], { sorted: 0 }, { outputs: 4 })) as Tensor[];
    expect(elements(u)).toEqual(['b', 'a']);
    const m = f32([1, 0, 0, 1, 1, 0], [3, 2]);
    const [ym, , invm] = (await runOp('Unique', [m], { axis: 0 }, { outputs: 4 })) as Tensor[];
    expect([ym!.dims, nums(ym), nums(invm)]).toEqual([[2, 2], [0, 1, 1, 0], [1, 0, 1]]);
  });
  it('ReverseSequence and its length check', async () => {
    const x = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(nums(await runFirst('ReverseSequence', [x, i64([3, 2])], { batch_axis: 0, time_axis: 1 }))).toEqual([3, 2, 1, 5, 4, 6]);
    expect(await errorCode(runOp('ReverseSequence', [x, i64([4, 1])], { batch_axis: 0, time_axis: 1 }))).toBe('E_INPUT_INVALID');
  });
  it('Shape with start/end, Size', async () => {
    const x = f32(Array.from({ length: 24 }, () => 0), [2, 3, 4]);
    expect(nums(await runFirst('Shape', [x], { start: -2 }))).toEqual([3, 4]);
    expect(nums(await runFirst('Shape', [x], { start: 2, end: 1 }))).toEqual([]);
    expect(nums(await runFirst('Shape', [x], { start: 1 }, { opset: 13 }))).toEqual([2, 3, 4]);
    const sz = await runFirst('Size', [x]);
    expect([sz.dims, nums(sz)]).toEqual([[], [24]]);
  });
});
