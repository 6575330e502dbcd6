import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { runOp } from '../helpers/run-op.js';

describe('elementwise', () => {
  it('Add broadcasts', async () => {
    const a = new Tensor('float32', [1, 2, 3, 4, 5, 6], [2, 3]);
    const b = new Tensor('float32', [10, 20, 30], [3]);
    const [y] = (await runOp('Add', [a, b])) as Tensor[];
    expect(y!.dims).toEqual([2, 3]);
    expect(Array.from(y!.data as Float32Array)).toEqual([11, 22, 33, 14, 25, 36]);
  });
  it('Add is exact on int64', async () => {
    const a = new Tensor('int64', [2n ** 62n], [1]);
    const [y] = (await runOp('Add', [a, a])) as Tensor[];
    expect((y!.data as BigInt64Array)[0]).toBe(-(2n ** 63n)); // wraps like int64
  });
});
