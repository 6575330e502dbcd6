/**
 * The executor with a fake device backend: tensors move between locations, values schemas read are
 * downloaded, dead device values are released exactly once, outputs come back to the CPU; plus abort
 * and profiling.
 */
import { describe, expect, it } from 'vitest';
import { Graph, KilnError, Node, Tensor, registerBackend, type Attribute, type Backend, type Model, type RuntimeValue } from '../../src/index.js';
// The engine's session (the public one wraps it, worker-first): these tests are about the engine.
import { InferenceSession } from '../../src/engine/session.js';
import { REFERENCE_KERNELS } from '../../src/reference/index.js';
import { tensorType } from '../../src/engine/ir/types.js';

/** A 'device' that keeps tensors behind Tensor.fromDevice and runs the reference kernels on downloaded copies. */
function fakeDevice(stats: { uploads: number; releases: Tensor[]; live: Set<Tensor> }): Backend {
  const wrap = (t: Tensor): Tensor => {
    const d: Tensor = Tensor.fromDevice(t.type, t.dims, {
      location: 'fake-device', handle: t, backend: 'fake', download: async () => t.data,
      dispose: () => { expect(stats.live.has(d)).toBe(true); stats.live.delete(d); stats.releases.push(d); },
    });
    stats.live.add(d);
    return d;
  };
  return {
    name: 'fake',
    location: 'fake-device',
    supports: (q) => (q.opKey === 'Shape' ? 'Shape stays on the CPU in this test' : q.opKey in REFERENCE_KERNELS ? true : 'no kernel'),
    upload: (t) => { stats.uploads++; return wrap(t); },
    run: async (q, inputs, params, env) => {
      const cpu = await Promise.all(inputs.map(async (v) => {
        if (v instanceof Tensor) { expect(v.location).toBe('fake-device'); return v.toCpu(); }
        return v;
      }));
      const outs = await REFERENCE_KERNELS[q.opKey]!(cpu, params, env);
      return outs.map((o: RuntimeValue) => (o instanceof Tensor ? wrap(o) : o));
    },
  };
}

function model(nodes: Node[], inputs: [string, Tensor][], outputs: string[]): Model {
  const g = new Graph();
  g.opsets.set('', 17);
  g.nodes = nodes;
  g.inputs = inputs.map(([name, t]) => ({ name, type: tensorType(t.type, t.dims) }));
  g.outputs = outputs.map((name) => ({ name }));
  return { format: 'onnx', graph: g, metadata: new Map() };
}

describe('executor with a device backend', () => {
  it('moves tensors, reads shape values on the CPU, releases every dead device value once', async () => {
    const stats = { uploads: 0, releases: [] as Tensor[], live: new Set<Tensor>() };
    registerBackend('fake', () => fakeDevice(stats));
    const x = new Tensor('float32', [1, -2, 3, -4, 5, -6], [2, 3]);
    // y = Reshape(Relu(x), Shape(Relu(x)) reversed) then Neg; Shape runs on the reference backend (CPU).
    const m = model([
      new Node('relu', 'Relu', ['x'], ['r']),
      new Node('shape', 'Shape', ['r'], ['s']),
      new Node('rev', 'Slice', ['s', 'st', 'en', 'ax', 'stp'], ['s2']),
      new Node('reshape', 'Reshape', ['r', 's2'], ['y0']),
      new Node('neg', 'Neg', ['y0'], ['y']),
    ], [['x', x]], ['y']);
    const int = (v: number[]) => new Tensor('int64', v.map(BigInt), [v.length]);
    m.graph.initializers.set('st', int([-1])).set('en', int([-1000])).set('ax', int([0])).set('stp', int([-1]));
    const s = await InferenceSession.fromModel(m, { backends: ['fake', 'reference'], graphOptimizationLevel: 'disabled' });
    expect(s.assignments.find((a) => a.node === 'shape')).toMatchObject({ backend: 'reference', declined: { fake: 'Shape stays on the CPU in this test' } });
    for (let run = 0; run < 3; run++) {
      const { y } = await s.run({ x });
      expect(y!.location).toBe('cpu');
      expect(y!.dims).toEqual([3, 2]);
      expect(Array.from(y!.data as Float32Array)).toEqual([-1, -0, -3, -0, -5, -0]);
    }
    // Weights moved to the device once; per run, the feed and the shape computed on the CPU.
    expect(stats.uploads).toBe(4 + 3 * 2);
    // Every device tensor made during the runs is freed, except the device copies of the weights...
    expect(stats.live.size).toBe(4);
    await s.release();
    // ...which go with the session.
    expect(stats.live.size).toBe(0);
    expect(new Set(stats.releases).size).toBe(stats.releases.length);
  });
});

describe('run options', () => {
  const relu = () => model([new Node('a', 'Relu', ['x'], ['t']), new Node('b', 'Neg', ['t'], ['y'])], [['x', new Tensor('float32', [1, 2], [2])]], ['y']);

  it('an aborted signal stops the run with E_ABORTED', async () => {
    const s = await InferenceSession.fromModel(relu());
    const ac = new AbortController();
    ac.abort();
    const e = await s.run({ x: new Tensor('float32', [1, 2], [2]) }, undefined, { signal: ac.signal }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe('E_ABORTED');
  });

  it('profiling records every node with its backend', async () => {
    const s = await InferenceSession.fromModel(relu(), { enableProfiling: true });
    expect(() => s.profile()).toThrow(/run it first/);
    await s.run({ x: new Tensor('float32', [1, 2], [2]) });
    const p = s.profile();
    expect(p.nodes.map((n) => [n.node, n.opType, n.backend])).toEqual([['a', 'Relu', 'reference'], ['b', 'Neg', 'reference']]);
    expect(p.byOpType.Relu!.count).toBe(1);
    expect(p.totalMs).toBeGreaterThanOrEqual(0);
  });

  it('feeds are checked: unknown names, missing inputs, wrong dtype and shape', async () => {
    const s = await InferenceSession.fromModel(relu());
    await expect(s.run({})).rejects.toThrow(/missing input\(s\): x/);
    await expect(s.run({ x: new Tensor('float32', [1, 2], [2]), z: new Tensor('float32', [1], [1]) })).rejects.toThrow(/'z' is not an input/);
    await expect(s.run({ x: new Tensor('int32', [1, 2], [2]) })).rejects.toThrow(/must be float32, got int32/);
    await expect(s.run({ x: new Tensor('float32', [1, 2, 3], [3]) })).rejects.toMatchObject({ code: 'E_SHAPE_MISMATCH' });
    await expect(s.run({ x: new Tensor('float32', [1, 2], [2]) }, ['nope'])).rejects.toThrow(/not an output/);
    await s.release();
    await expect(s.run({ x: new Tensor('float32', [1, 2], [2]) })).rejects.toMatchObject({ code: 'E_RELEASED' });
  });
});

// Attribute type is exported for tests that build nodes by hand.
export type { Attribute };

describe('device loss', () => {
  it('a backend that reports E_DEVICE_LOST is dropped, the graph re-planned and the run retried', async () => {
    let lost = false;
    registerBackend('flaky', () => ({
      name: 'flaky',
      supports: (q) => (q.opKey === 'Relu' ? true : 'only Relu'),
      run: (q, inputs, params, env) => {
        if (lost) throw new KilnError('E_DEVICE_LOST', 'the device went away', { backend: 'flaky' });
        return REFERENCE_KERNELS[q.opKey]!(inputs, params, env);
      },
    }));
    const m = model([new Node('a', 'Relu', ['x'], ['t']), new Node('b', 'Neg', ['t'], ['y'])], [['x', new Tensor('float32', [1, -2], [2])]], ['y']);
    const s = await InferenceSession.fromModel(m, { backends: ['flaky', 'reference'] });
    expect(s.backendSummary).toEqual({ flaky: 1, reference: 1 });
    lost = true;
    const { y } = await s.run({ x: new Tensor('float32', [1, -2], [2]) });
    expect(Array.from(y!.data as Float32Array)).toEqual([-1, -0]);
    expect(s.backendSummary).toEqual({ reference: 2 });
    expect(s.fallbacks).toEqual([{ backend: 'flaky', reason: expect.stringMatching(/device went away/) }]);
  });
});
