/**
 * The wasm backend inside sessions: the benchmark models against PyTorch's outputs (1 and 2 threads),
 * and the arena's contract on a graph mixing backends: outputs stay valid after the next run, values
 * crossing to another backend are copies, repeated runs agree.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { InferenceSession, Tensor, registerBackend } from '../../src/engine/index.js';
import { createWasmBackend } from '../../src/wasm/backend.js';
import { modelInputs } from '../../bench/inputs.js';
import { G, ints } from './graph.js';
import { compare, rand } from './harness.js';

describe.each([1, 2])('benchmark models on wasm, %i thread(s)', (threads) => {
  it.each(['mobilenet_v2', 'resnet18', 'squeezenet1_1', 'bert_like'])('%s matches PyTorch', async (name) => {
    registerBackend('wasm', () => createWasmBackend({ numThreads: threads }));
    const { path, inputs, expected } = modelInputs(name);
    const s = await InferenceSession.create(new Uint8Array(readFileSync(path)), { backends: ['wasm', 'reference'] });
    const feeds = Object.fromEntries(inputs.map((i) => [i.name, new Tensor(i.type, i.data, i.dims)]));
    for (let r = 0; r < 2; r++) {
      const y = (await s.run(feeds))[s.outputNames[0]!]!;
      compare(y, new Tensor('float32', expected, y.dims), { op: name, rtol: 0, atol: 1e-4 });
    }
    // Every node runs on wasm (bert_like's Cast of the int64 mask included).
    const elsewhere = s.assignments.filter((a) => a.backend !== 'wasm').map((a) => a.opType);
    expect(elsewhere).toEqual([]);
    await s.release();
  });
});

describe('arena', () => {
  // x → Conv → Relu → [Cos: reference] → Add(relu) → out1;  relu also → out2 (a graph output read later)
  const build = () => {
    const b = new G();
    const x = b.input('x', [1, 3, 8, 8]);
    const c = b.node('Conv', [x, b.init('w', rand([4, 3, 3, 3], 1)), b.init('b', rand([4], 2))], { pads: ints([1, 1, 1, 1]) });
    const r = b.node('Relu', [c]);
    const cos = b.node('Cos', [r]);
    const y = b.node('Add', [cos, r]);
    const t = b.node('Transpose', [y], { perm: ints([0, 2, 3, 1]) });
    return b.output(t, r);
  };

  it('hands out copies that stay valid, and mixes backends correctly', async () => {
    registerBackend('wasm', () => createWasmBackend({ numThreads: 1 }));
    const s = await InferenceSession.fromModel(build(), { backends: ['wasm', 'reference'] });
    const ref = await InferenceSession.fromModel(build(), { backends: ['reference'] });
    expect(s.assignments.find((a) => a.opType === 'Cos')!.backend).toBe('reference');
    const x1 = rand([1, 3, 8, 8], 5), x2 = rand([1, 3, 8, 8], 6);
    const a1 = await s.run({ x: x1 });
    const keep = Array.from(a1[s.outputNames[0]!]!.data as Float32Array);
    const a2 = await s.run({ x: x2 });
    // The first run's outputs were not overwritten by the second.
    expect(Array.from(a1[s.outputNames[0]!]!.data as Float32Array)).toEqual(keep);
    const w1 = await ref.run({ x: x1 });
    const w2 = await ref.run({ x: x2 });
    for (const n of s.outputNames) {
      compare(a1[n]!, w1[n]!, { op: `run 1 ${n}` });
      compare(a2[n]!, w2[n]!, { op: `run 2 ${n}` });
    }
  });
});
