/**
 * The fusion pass: which chains become which fused ops, which do not, and that a fused graph computes
 * what the unfused one does (reference and wasm).
 */
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { InferenceSession, Tensor, type Model } from '../../src/engine/index.js';
import { fuseGraph } from '../../src/engine/passes/fusion.js';
import { inferShapes } from '../../src/engine/passes/shape-inference.js';
import { G, float, int, ints, scalar } from './graph.js';
import { compare, rand, useWasm } from './harness.js';

useWasm({ numThreads: 1 });

const ops = (m: Model) => m.graph.nodes.map((n) => (n.domain ? `${n.domain}.${n.opType}` : n.opType));

function fused(build: () => Model): string[] {
  const m = build();
  inferShapes(m.graph);
  fuseGraph(m.graph);
  return ops(m);
}

/** Runs the graph unfused on the reference, and fused on the reference and on wasm: all must agree. */
async function same(build: () => Model, feeds: Record<string, Tensor>): Promise<void> {
  const run = async (backends: string[], level: 'disabled' | 'all') => {
    const s = await InferenceSession.fromModel(build(), { backends, graphOptimizationLevel: level });
    return s.run(feeds);
  };
  const want = await run(['reference'], 'disabled');
  for (const [backends, tol] of [[['reference'], 1e-5], [['wasm', 'reference'], 1e-4]] as const) {
    const got = await run([...backends], 'all');
    for (const k of Object.keys(want)) compare(got[k]!, want[k]!, { op: `${backends[0]} fused`, rtol: tol, atol: 1e-5 });
  }
}

const convBnRelu = () => {
  const b = new G();
  const x = b.input('x', [1, 4, 8, 8]);
  const c = b.node('Conv', [x, b.init('w', rand([6, 4, 3, 3], 1)), b.init('b', rand([6], 2))], { pads: ints([1, 1, 1, 1]) });
  const bn = b.node('BatchNormalization', [c, b.init('s', rand([6], 3)), b.init('be', rand([6], 4)), b.init('m', rand([6], 5)), b.init('v', new Tensor('float32', Float32Array.from([1, 2, 0.5, 3, 1, 1]), [6]))], { epsilon: float(1e-3) });
  return b.output(b.node('Relu', [bn]));
};

const residual = (extraReader: boolean) => () => {
  const b = new G();
  const x = b.input('x', [1, 4, 6, 6]);
  const c = b.node('Conv', [x, b.init('w', rand([4, 4, 1, 1], 1))]);
  const a = b.node('Add', [x, c]);
  const r = b.node('Clip', [a, b.init('lo', scalar(0)), b.init('hi', scalar(6))]);
  return extraReader ? b.output(r, c) : b.output(r);
};

const bertFfn = () => {
  const b = new G();
  const x = b.input('x', [1, 5, 16]);
  const m = b.node('MatMul', [x, b.init('w', rand([16, 24], 1))]);
  const h = b.node('Add', [b.init('bias', rand([24], 2)), m]);
  const d = b.node('Div', [h, b.init('sqrt2', scalar(Math.SQRT2))]);
  const e = b.node('Erf', [d]);
  const one = b.node('Add', [e, b.init('one', scalar(1))]);
  const mul = b.node('Mul', [h, one]);
  const y = b.node('Mul', [mul, b.init('half', scalar(0.5))]);
  return b.output(y);
};

const layerNorm = () => {
  const b = new G();
  const x = b.input('x', [2, 3, 32]);
  const mean = b.node('ReduceMean', [x], { axes: ints([-1]) });
  const d = b.node('Sub', [x, mean]);
  const p = b.node('Pow', [d, b.init('two', scalar(2))]);
  const v = b.node('ReduceMean', [p], { axes: ints([-1]) });
  const ve = b.node('Add', [v, b.init('eps', scalar(1e-12))]);
  const s = b.node('Sqrt', [ve]);
  const n = b.node('Div', [d, s]);
  const g = b.node('Mul', [n, b.init('gamma', rand([32], 3))]);
  return b.output(b.node('Add', [g, b.init('beta', rand([32], 4))]));
};

const attentionScores = () => {
  const b = new G();
  const q = b.input('q', [1, 2, 7, 8]);
  const k = b.input('k', [1, 2, 8, 7]);
  const s = b.node('MatMul', [q, k]);
  return b.output(b.node('Div', [s, b.init('c', scalar(8))]));
};

const silu = () => {
  const b = new G();
  const x = b.input('x', [1, 3, 5, 5]);
  const c = b.node('Conv', [x, b.init('w', rand([5, 3, 3, 3], 1)), b.init('b', rand([5], 2))], { pads: ints([1, 1, 1, 1]) });
  const s = b.node('Sigmoid', [c]);
  return b.output(b.node('Mul', [c, s]));
};

const gemmRelu = () => {
  const b = new G();
  const x = b.input('x', [3, 10]);
  const y = b.node('Gemm', [x, b.init('w', rand([7, 10], 1)), b.init('c', rand([7], 2))], { transB: int(1) });
  return b.output(b.node('Relu', [y]));
};

describe('fusion', () => {
  it('folds BatchNormalization into Conv and fuses the activation', async () => {
    expect(fused(convBnRelu)).toEqual(['kiln.FusedConv']);
    await same(convBnRelu, { x: rand([1, 4, 8, 8], 9) });
  });
  it('fuses a residual Add and Clip into Conv', async () => {
    expect(fused(residual(false))).toEqual(['kiln.FusedConv']);
    await same(residual(false), { x: rand([1, 4, 6, 6], 9, 4) });
  });
  it('leaves a chain alone when an intermediate value is read elsewhere', async () => {
    expect(fused(residual(true))).toEqual(['Conv', 'Add', 'Clip']);
    await same(residual(true), { x: rand([1, 4, 6, 6], 9, 4) });
  });
  it('turns the erf GELU into kiln.Gelu and fuses MatMul + bias + GELU', async () => {
    expect(fused(bertFfn)).toEqual(['kiln.FusedMatMul']);
    await same(bertFfn, { x: rand([1, 5, 16], 9) });
  });
  it('turns the decomposed LayerNorm into kiln.LayerNorm', async () => {
    expect(fused(layerNorm)).toEqual(['kiln.LayerNorm']);
    await same(layerNorm, { x: rand([2, 3, 32], 9, 3) });
  });
  it('fuses a scalar Div after MatMul as alpha', async () => {
    expect(fused(attentionScores)).toEqual(['kiln.FusedMatMul']);
    await same(attentionScores, { q: rand([1, 2, 7, 8], 1), k: rand([1, 2, 8, 7], 2) });
  });
  it('fuses x·sigmoid(x) as SiLU', async () => {
    expect(fused(silu)).toEqual(['kiln.FusedConv']);
    await same(silu, { x: rand([1, 3, 5, 5], 9, 2) });
  });
  it('fuses Gemm + Relu', async () => {
    expect(fused(gemmRelu)).toEqual(['kiln.FusedGemm']);
    await same(gemmRelu, { x: rand([3, 10], 9) });
  });
});
