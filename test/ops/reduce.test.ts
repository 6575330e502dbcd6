import { describe, expect, it } from 'vitest';
import { Graph, KilnError, Node, Tensor, type Attribute } from '../../src/index.js';
import { tensorType, type TensorType } from '../../src/engine/ir/types.js';
import { inferShapes } from '../../src/engine/passes/shape-inference.js';
import { runOp } from '../helpers/run-op.js';
import { expectKilnError, f32, i64, nums } from '../helpers/op-test-utils.js';

/** runOp with the opset (default 18) and output count as positional arguments. */
async function run(op: string, inputs: (Tensor | undefined)[], attrs: Record<string, unknown> = {}, opset = 18, outputs?: number) {
  return (await runOp(op, inputs, attrs, { opset, outputs })) as Tensor[];
}

describe('Reduce*', () => {
  const x = f32([1, 2, 3, 4, 5, 6], [2, 3]);

  it('axes as attribute before opset 18 (13 for ReduceSum), as input after', async () => {
    const [a] = await run('ReduceMean', [x], { axes: [1], keepdims: 0 }, 13);
    expect(a!.dims).toEqual([2]);
    expect(nums(a)).toEqual([2, 5]);
    const [b] = await run('ReduceMean', [x, i64([0])], {}, 18);
    expect(b!.dims).toEqual([1, 3]);
    expect(nums(b)).toEqual([2.5, 3.5, 4.5]);
    const [c] = await run('ReduceSum', [x], { axes: [-1] }, 11);
    expect(nums(c)).toEqual([6, 15]);
  });

  it('reduces everything without axes, and nothing with noop_with_empty_axes', async () => {
    const [all] = await run('ReduceProd', [x], { keepdims: 0 });
    expect(all!.dims).toEqual([]);
    expect(nums(all)).toEqual([720]);
    // noop: every element is its own group, so the op's per-element function still applies.
    const [sq] = await run('ReduceSumSquare', [x, i64([])], { noop_with_empty_axes: 1 });
    expect(sq!.dims).toEqual([2, 3]);
    expect(nums(sq)).toEqual([1, 4, 9, 16, 25, 36]);
    const [id] = await run('ReduceSum', [x, i64([])], { noop_with_empty_axes: 1 }, 13);
    expect(nums(id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives the identity element over an empty set', async () => {
    const e = f32([], [2, 0]);
    const cases: [string, number][] = [['ReduceSum', 0], ['ReduceProd', 1], ['ReduceMax', -Infinity], ['ReduceMin', Infinity],
      ['ReduceL1', 0], ['ReduceL2', 0], ['ReduceLogSum', -Infinity], ['ReduceLogSumExp', -Infinity], ['ReduceSumSquare', 0]];
    for (const [op, want] of cases) {
      const [y] = await run(op, [e, i64([1])], { keepdims: 0 }, 20);
      expect(nums(y), op).toEqual([want, want]);
    }
    const [mi] = await run('ReduceMax', [new Tensor('int32', [], [0]), i64([0])], {}, 20);
    expect(nums(mi)).toEqual([-(2 ** 31)]);
    const [mu] = await run('ReduceMin', [new Tensor('uint8', [], [0]), i64([0])], {}, 20);
    expect(nums(mu)).toEqual([255]);
    const [bMax] = await run('ReduceMax', [new Tensor('bool', [], [0])], {}, 20);
    const [bMin] = await run('ReduceMin', [new Tensor('bool', [], [0])], {}, 20);
    expect([nums(bMax), nums(bMin)]).toEqual([[0], [1]]);
  });

  it('is exact on int64 and truncates integer means', async () => {
    const big = i64([2n ** 60n + 1n, 2n ** 60n + 2n, 3]);
    const [s] = await run('ReduceSum', [big, i64([0])], { keepdims: 0 }, 13);
    expect((s!.data as BigInt64Array)[0]).toBe(2n ** 61n + 6n);
    const [m] = await run('ReduceMax', [big], { keepdims: 0 });
    expect((m!.data as BigInt64Array)[0]).toBe(2n ** 60n + 2n);
    const [mean] = await run('ReduceMean', [new Tensor('int32', [1, 2, 4], [3])], {});
    expect(nums(mean)).toEqual([2]); // 7 / 3 truncated
    const [p] = await run('ReduceProd', [new Tensor('int32', [65536, 65536], [2])], {});
    expect(nums(p)).toEqual([0]); // 2^32 wraps like int32
  });

  it('keeps ReduceLogSumExp stable on large inputs and propagates NaN in ReduceMax', async () => {
    const [y] = await run('ReduceLogSumExp', [new Tensor('float64', [1000, 1000], [2])], { keepdims: 0 });
    expect(nums(y)[0]).toBeCloseTo(1000 + Math.log(2), 10);
    const [mx] = await run('ReduceMax', [f32([1, NaN, 3], [3])], { keepdims: 0 });
    expect(nums(mx)[0]).toBeNaN();
  });

  it('rejects bad input with KilnError', async () => {
    await expectKilnError(run('ReduceSum', [x, i64([1, 1])], {}, 13), 'E_MODEL_INVALID');
    await expectKilnError(run('ReduceSum', [x, i64([2])], {}, 13), 'E_MODEL_INVALID');
    await expectKilnError(run('ReduceMean', [x], { axes: [0] }, 18), 'E_MODEL_INVALID');
    await expectKilnError(run('ReduceMean', [x, i64([0])], {}, 13), 'E_MODEL_INVALID');
    await expectKilnError(run('ReduceSum', [new Tensor('bool', [true], [1])], {}, 13), 'E_TYPE_UNSUPPORTED');
    await expectKilnError(run('ReduceSum', [new Tensor('string', ['a'], [1])], {}, 13), 'E_TYPE_UNSUPPORTED');
  });
});

describe('ArgMax / ArgMin', () => {
  it('picks the first (or last) extreme, NaN first', async () => {
    const x = f32([1, 3, 3, 0, 0, 2], [2, 3]);
    const [a] = await run('ArgMax', [x], { axis: 1, keepdims: 0 }, 13);
    expect(a!.type).toBe('int64');
    expect(nums(a)).toEqual([1, 2]);
    const [b] = await run('ArgMax', [x], { axis: 1, select_last_index: 1 }, 13);
    expect(b!.dims).toEqual([2, 1]);
    expect(nums(b)).toEqual([2, 2]);
    const [c] = await run('ArgMin', [x], { axis: -1, select_last_index: 1, keepdims: 0 }, 13);
    expect(nums(c)).toEqual([0, 1]);
    const [d] = await run('ArgMin', [f32([1, NaN, 0], [3])], { keepdims: 0 }, 13);
    expect(nums(d)).toEqual([1]);
  });

  it('compares int64 exactly', async () => {
    const [a] = await run('ArgMax', [i64([2n ** 62n, 2n ** 62n + 1n, 2n ** 62n])], {}, 13);
    expect(nums(a)).toEqual([1]);
  });

  it('rejects an empty axis and an out-of-range axis', async () => {
    await expectKilnError(run('ArgMax', [f32([], [0, 3])], { axis: 0 }, 13), 'E_INPUT_INVALID');
    await expectKilnError(run('ArgMax', [f32([1], [1])], { axis: 1 }, 13), 'E_MODEL_INVALID');
  });
});

describe('CumSum / CumProd', () => {
  const axis = (a: number) => new Tensor('int32', [a], []);
  it('handles exclusive and reverse along any axis', async () => {
    const x = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    const [a] = await run('CumSum', [x, axis(1)], { exclusive: 1, reverse: 1 }, 14);
    expect(nums(a)).toEqual([5, 3, 0, 11, 6, 0]);
    const [b] = await run('CumProd', [x, axis(0)], {}, 26);
    expect(nums(b)).toEqual([1, 2, 3, 4, 10, 18]);
    const [c] = await run('CumProd', [x, axis(-1)], { exclusive: 1 }, 26);
    expect(nums(c)).toEqual([1, 1, 2, 1, 4, 20]);
  });

  it('is exact on int64', async () => {
    const [a] = await run('CumSum', [i64([2n ** 60n, 1, 1]), axis(0)], {}, 14);
    expect(Array.from(a!.data as BigInt64Array)).toEqual([2n ** 60n, 2n ** 60n + 1n, 2n ** 60n + 2n]);
  });

  it('rejects a bad axis', async () => {
    await expectKilnError(run('CumSum', [f32([1, 2], [2]), axis(1)], {}, 14), 'E_MODEL_INVALID');
    await expectKilnError(run('CumSum', [f32([1, 2], [2]), new Tensor('float32', [0], [])], {}, 14), 'E_TYPE_UNSUPPORTED');
    await expectKilnError(run('CumSum', [f32([1, 2], [2]), new Tensor('int64', [0n, 0n], [2])], {}, 14), 'E_SHAPE_MISMATCH');
  });
});

describe('TopK', () => {
  it('breaks ties by the lower index, largest or smallest', async () => {
    const x = f32([3, 1, 3, 2, 1, 2], [6]);
    const [v, i] = await run('TopK', [x, i64([3])], {}, 11, 2);
    expect(nums(v)).toEqual([3, 3, 2]);
    expect(nums(i)).toEqual([0, 2, 3]);
    const [v2, i2] = await run('TopK', [x, i64([3])], { largest: 0 }, 11, 2);
    expect(nums(v2)).toEqual([1, 1, 2]);
    expect(nums(i2)).toEqual([1, 4, 3]);
  });

  it('takes k as an attribute before opset 10 and works along inner axes', async () => {
    const x = f32([1, 6, 2, 5, 3, 4], [3, 2]);
    const [v, i] = await run('TopK', [x], { k: 2, axis: 0 }, 1, 2);
    expect(v!.dims).toEqual([2, 2]);
    expect(nums(v)).toEqual([3, 6, 2, 5]);
    expect(nums(i)).toEqual([2, 0, 1, 1]);
  });

  it('keeps uint64 values exact', async () => {
    const x = new Tensor('uint64', [2n ** 63n + 1n, 2n ** 63n + 2n, 5n], [3]);
    const [v, i] = await run('TopK', [x, i64([1])], {}, 11, 2);
    expect((v!.data as BigUint64Array)[0]).toBe(2n ** 63n + 2n);
    expect(nums(i)).toEqual([1]);
  });

  it('rejects k larger than the axis or negative', async () => {
    await expectKilnError(run('TopK', [f32([1, 2], [2]), i64([3])], {}, 11, 2), 'E_INPUT_INVALID');
    await expectKilnError(run('TopK', [f32([1, 2], [2]), i64([-1])], {}, 11, 2), 'E_INPUT_INVALID');
  });
});

describe('static shape inference', () => {
  /** Infers one node's output types with `consts` as initializers and the rest as typed graph inputs. */
  function infer(op: string, inputs: Tensor[], consts: number[], attrs: Record<string, unknown>, opset: number, nOut = 1) {
    const g = new Graph();
    g.opsets.set('', opset);
    const names = inputs.map((t, i) => {
      if (consts.includes(i)) g.initializers.set(`c${i}`, t);
      else {
        const type = tensorType(t.type, t.dims.map((d, k) => (k === 0 && i === 0 ? 'batch' : d)));
        g.inputs.push({ name: `in${i}`, type });
        g.valueTypes.set(`in${i}`, type);
      }
      return consts.includes(i) ? `c${i}` : `in${i}`;
    });
    const attrMap = new Map<string, Attribute>();
    for (const [k, v] of Object.entries(attrs)) attrMap.set(k, { type: Array.isArray(v) ? 'ints' : 'int', value: v } as Attribute);
    const outs = Array.from({ length: nOut }, (_, i) => `out${i}`);
    g.nodes.push(new Node('n', op, names, outs, attrMap, ''));
    inferShapes(g);
    return outs.map((o) => g.valueTypes.get(o) as TensorType | undefined);
  }
  const x = f32(new Array(24).fill(0), [2, 3, 4]);

  it('uses constant axes / k and keeps symbolic dims', () => {
    expect(infer('ReduceSum', [x, i64([-1])], [1], { keepdims: 0 }, 13)[0]!.shape).toEqual(['batch', 3]);
    const [v, i] = infer('TopK', [x, i64([2])], [1], { axis: 1 }, 11, 2);
    expect(v!.shape).toEqual(['batch', 2, 4]);
    expect(i!.dtype).toBe('int64');
    expect(infer('ArgMin', [x], [], { axis: 2, keepdims: 1 }, 13)[0]!.shape).toEqual(['batch', 3, 1]);
  });

  it('leaves data-dependent sizes unknown rather than guessing', () => {
    const [r] = infer('ReduceMax', [x, i64([1])], [], { keepdims: 1 }, 18);
    expect(r!.shape!.length).toBe(3);
    expect(r!.shape!.every((d) => typeof d === 'string')).toBe(true);
    expect(infer('ReduceMax', [x, i64([1])], [], { keepdims: 0 }, 18)[0]?.shape).toBeUndefined();
    const [v] = infer('TopK', [x, i64([2])], [], { axis: 1 }, 11, 2);
    expect(v!.shape![0]).toBe('batch');
    expect(typeof v!.shape![1]).toBe('string');
    expect(v!.shape![2]).toBe(4);
  });

  it('reports a constant k larger than the axis at load time', () => {
    expect(() => infer('TopK', [x, i64([9])], [1], { axis: 1 }, 11, 2)).toThrow(KilnError);
  });
});
