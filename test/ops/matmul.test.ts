import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { runOp } from '../helpers/run-op.js';
import { expectKilnError, expectRelClose, nums, product, randomF32, randomF64 } from '../helpers/op-test-utils.js';

/** Default relative tolerance of this file's closeness checks. */
const TOL = 1e-9;

/** Naive einsum: loops over every label combination. */
function naiveEinsum(eq: string, ts: Tensor[]): { dims: number[]; data: number[] } {
  const [lhs, rhs] = eq.replace(/\s/g, '').split('->') as [string, string];
  const terms = lhs.split(',');
  const size = new Map<string, number>();
  terms.forEach((t, i) => [...t].forEach((l, k) => {
    const cur = size.get(l);
    if (cur === undefined || cur === 1) size.set(l, ts[i]!.dims[k]!);
  }));
  const labels = [...size.keys()];
  const out = [...rhs];
  const dims = out.map((l) => size.get(l)!);
  const data = new Array<number>(product(dims)).fill(0);
  const vals = ts.map(nums);
  const idx = new Map<string, number>();
  const rec = (d: number) => {
    if (d === labels.length) {
      let v = 1;
      terms.forEach((t, i) => {
        let off = 0;
        [...t].forEach((l, k) => { off = off * ts[i]!.dims[k]! + (ts[i]!.dims[k] === 1 ? 0 : idx.get(l)!); });
        v *= vals[i]![off]!;
      });
      let o = 0;
      out.forEach((l, k) => { o = o * dims[k]! + idx.get(l)!; });
      data[o] = data[o]! + v;
      return;
    }
    for (let i = 0; i < size.get(labels[d]!)!; i++) { idx.set(labels[d]!, i); rec(d + 1); }
  };
  rec(0);
  return { dims, data };
}

describe('MatMul', () => {
  const cases: [number[], number[], number[]][] = [
    [[3], [3], []],
    [[4], [2, 4, 5], [2, 5]],
    [[2, 3, 4], [4], [2, 3]],
    [[7, 9], [9, 6], [7, 6]], // packed path (M >= 4) with ragged edges
    [[3, 1, 5, 4], [2, 4, 3], [3, 2, 5, 3]], // broadcast batch
    [[2, 6, 8], [8, 5], [2, 6, 5]], // batch folded into rows
    [[2, 0, 3], [3, 4], [2, 0, 4]],
    [[2, 3, 0], [0, 4], [2, 3, 4]], // K = 0: zeros
  ];
  for (const [as, bs, os] of cases) {
    it(`[${as}] x [${bs}] -> [${os}]`, async () => {
      const a = randomF64(as, 1);
      const b = randomF64(bs, 2);
      const [y] = (await runOp('MatMul', [a, b])) as Tensor[];
      expect(y!.dims).toEqual(os);
      // numpy semantics through einsum on the promoted shapes
      const a2 = as.length === 1 ? [1, ...as] : as;
      const b2 = bs.length === 1 ? [...bs, 1] : bs;
      const r = Math.max(a2.length, b2.length);
      const pa = [...new Array(r - a2.length).fill(1), ...a2];
      const pb = [...new Array(r - b2.length).fill(1), ...b2];
      const batch = 'abcdefg'.slice(0, r - 2);
      const ref = naiveEinsum(`${batch}mk,${batch}kn->${batch}mn`, [new Tensor('float64', nums(a), pa), new Tensor('float64', nums(b), pb)]);
      expectRelClose(nums(y), ref.data, TOL);
    });
  }

  it('is exact on int64', async () => {
    const a = new Tensor('int64', [2n ** 40n, 3n], [1, 2]);
    const b = new Tensor('int64', [2n ** 20n + 1n, 5n], [2, 1]);
    const [y] = (await runOp('MatMul', [a, b])) as Tensor[];
    expect((y!.data as BigInt64Array)[0]).toBe(2n ** 60n + 2n ** 40n + 15n);
  });

  it('rejects bad input', async () => {
    await expectKilnError(runOp('MatMul', [randomF32([2, 3]), randomF32([4, 2])]), 'E_SHAPE_MISMATCH');
    await expectKilnError(runOp('MatMul', [randomF32([2, 2, 3]), randomF32([3, 3, 2])]), 'E_SHAPE_MISMATCH');
    await expectKilnError(runOp('MatMul', [randomF32([2, 3]), randomF64([3, 2])]), 'E_TYPE_UNSUPPORTED');
    await expectKilnError(runOp('MatMul', [new Tensor('bool', [true], [1, 1]), new Tensor('bool', [true], [1, 1])]), 'E_TYPE_UNSUPPORTED');
  });
});

describe('Gemm', () => {
  for (const [transA, transB, M, shapeC] of [[0, 0, 6, [1, 5]], [1, 0, 2, [6, 1]], [0, 1, 9, []], [1, 1, 5, [5]]] as const) {
    it(`transA=${transA} transB=${transB} M=${M} C=[${shapeC}]`, async () => {
      const K = 7;
      const N = shapeC.length === 2 && shapeC[1] !== 1 ? shapeC[1]! : 5;
      const Mr = shapeC.length === 2 && shapeC[0] !== 1 ? shapeC[0]! : M;
      const a = randomF64(transA ? [K, Mr] : [Mr, K], 1);
      const b = randomF64(transB ? [N, K] : [K, N], 2);
      const c = randomF64([...shapeC], 3);
      const [y] = (await runOp('Gemm', [a, b, c], { transA, transB, alpha: 0.5, beta: -2 }, { opset: 13 })) as Tensor[];
      expect(y!.dims).toEqual([Mr, N]);
      const av = nums(a), bv = nums(b), cv = nums(c);
      const want: number[] = [];
      for (let i = 0; i < Mr; i++) for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += (transA ? av[k * Mr + i]! : av[i * K + k]!) * (transB ? bv[j * K + k]! : bv[k * N + j]!);
        const ci = shapeC.length === 0 ? 0 : shapeC.length === 1 ? j : (shapeC[0] === 1 ? 0 : i) * shapeC[1]! + (shapeC[1] === 1 ? 0 : j);
        want.push(0.5 * s - 2 * cv[ci]!);
      }
      expectRelClose(nums(y), want, TOL);
    });
  }

  it('takes no C from opset 11 and rejects a C that does not broadcast', async () => {
    const [y] = (await runOp('Gemm', [randomF32([2, 3]), randomF32([3, 4])], {}, { opset: 11 })) as Tensor[];
    expect(y!.dims).toEqual([2, 4]);
    await expectKilnError(runOp('Gemm', [randomF32([2, 3]), randomF32([3, 4]), randomF32([3, 4])], {}, { opset: 13 }), 'E_SHAPE_MISMATCH');
    await expectKilnError(runOp('Gemm', [randomF32([2, 3, 1]), randomF32([3, 4])], {}, { opset: 13 }), 'E_SHAPE_MISMATCH');
  });
});

describe('Einsum', () => {
  const cases: [string, number[][]][] = [
    ['ij,jk->ik', [[5, 6], [6, 4]]],
    ['bij,bjk->bik', [[2, 3, 4], [2, 4, 5]]],
    ['ii->i', [[4, 4]]],
    ['ii->', [[4, 4]]],
    ['iij->ji', [[3, 3, 2]]],
    ['i,j->ij', [[3], [4]]],
    ['ij->', [[3, 4]]],
    ['ijk,ikl,ilm->jm', [[2, 3, 4], [2, 4, 5], [2, 5, 3]]],
    ['bhqd,bhkd->bhqk', [[1, 2, 5, 4], [1, 2, 6, 4]]],
    ['ij,ij->i', [[3, 5], [1, 5]]], // size-1 broadcast
    ['ijk->kji', [[2, 3, 4]]],
  ];
  for (const [eq, shapes] of cases) {
    it(eq, async () => {
      const ts = shapes.map((s, i) => randomF64(s, i + 1));
      const [y] = (await runOp('Einsum', ts, { equation: eq }, { opset: 12 })) as Tensor[];
      const ref = naiveEinsum(eq, ts);
      expect(y!.dims).toEqual(ref.dims);
      expectRelClose(nums(y), ref.data, TOL);
    });
  }

  it('expands ellipses (broadcast) and builds the implicit output', async () => {
    const a = randomF64([2, 1, 3, 4], 1);
    const b = randomF64([5, 4, 2], 2);
    const [y] = (await runOp('Einsum', [a, b], { equation: '...ij,...jk' }, { opset: 12 })) as Tensor[];
    expect(y!.dims).toEqual([2, 5, 3, 2]);
    const [z] = (await runOp('MatMul', [a, b])) as Tensor[];
    expectRelClose(nums(y), nums(z), TOL);
    const [t] = (await runOp('Einsum', [randomF64([3, 4])], { equation: 'ji' }, { opset: 12 })) as Tensor[];
    expect(t!.dims).toEqual([4, 3]); // implicit output sorts the labels: ij
  });

  it('rejects malformed equations', async () => {
    await expectKilnError(runOp('Einsum', [randomF64([3, 4])], { equation: 'ijk->i' }, { opset: 12 }), 'E_MODEL_INVALID');
    await expectKilnError(runOp('Einsum', [randomF64([3, 4])], { equation: 'ij->k' }, { opset: 12 }), 'E_MODEL_INVALID');
    await expectKilnError(runOp('Einsum', [randomF64([3, 4]), randomF64([5, 4])], { equation: 'ij,ij->i' }, { opset: 12 }), 'E_SHAPE_MISMATCH');
  });
});

describe('integer and quantized matmul, Det', () => {
  it('MatMulInteger subtracts per-row and per-column zero points', async () => {
    const a = new Tensor('uint8', [1, 2, 3, 4], [2, 2]);
    const b = new Tensor('int8', [-1, 2, 3, -4], [2, 2]);
    const [y] = (await runOp('MatMulInteger', [a, b, new Tensor('uint8', [1, 2], [2]), new Tensor('int8', [1, 0], [2])], {}, { opset: 10 })) as Tensor[];
    // a - [1;2] = [[0,1],[1,2]]; b - [1,0] = [[-2,2],[2,-4]]
    expect(nums(y)).toEqual([2, -4, 2, -6]);
  });

  it('QLinearMatMul rounds half to even and saturates', async () => {
    const s = (v: number) => new Tensor('float32', [v], [1]);
    const a = new Tensor('uint8', [1, 3, 5, 200], [4, 1]);
    const b = new Tensor('uint8', [1], [1, 1]);
    const z = (v: number) => new Tensor('uint8', [v], [1]);
    const [y] = (await runOp('QLinearMatMul', [a, s(1), z(0), b, s(1), z(0), s(2), z(0)], {}, { opset: 10 })) as Tensor[];
    expect(nums(y)).toEqual([0, 2, 2, 100]);
    const [w] = (await runOp('QLinearMatMul', [a, s(2), z(0), b, s(1), z(0), s(1), z(0)], {}, { opset: 10 })) as Tensor[];
    expect(nums(w)).toEqual([2, 6, 10, 255]);
  });

  it('Det of single, batched and singular matrices', async () => {
    const [d] = (await runOp('Det', [new Tensor('float64', [2, 0, 1, 1, 3, 2, 1, 1, 1], [3, 3])])) as Tensor[];
    expect(d!.dims).toEqual([]);
    expectRelClose(nums(d), [2 * (3 - 2) - 0 + 1 * (1 - 3)], TOL);
    const [e] = (await runOp('Det', [new Tensor('float32', [1, 2, 2, 4, 0, 1, 1, 0], [2, 2, 2])])) as Tensor[];
    expect(nums(e)).toEqual([0, -1]);
    await expectKilnError(runOp('Det', [randomF32([2, 3])]), 'E_SHAPE_MISMATCH');
  });
});
