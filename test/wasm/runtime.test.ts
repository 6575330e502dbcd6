/** The wasm backend's machinery: build choice, heap allocator, activation arena plan, thread pool errors. */
import { describe, expect, it } from 'vitest';
import { Graph, KilnError, Node } from '../../src/index.js';
import { tensorType } from '../../src/engine/ir/types.js';
import { planArena } from '../../src/wasm/arena.js';
import type { WasmFeatures } from '../../src/wasm/features.js';
import { Heap } from '../../src/wasm/heap.js';
import { chooseBuild, loadRuntime } from '../../src/wasm/loader.js';

const F: WasmFeatures = { simd: true, relaxedSimd: true, threads: true, sharedMemory: true, cores: 8, isNode: false };

describe('chooseBuild', () => {
  it('takes a threads build when memory can be shared, up to 4 by default, with relaxed SIMD where it validates', () => {
    expect(chooseBuild(F, {})).toMatchObject({ build: 'relaxed-threads', threads: 4 });
    expect(chooseBuild({ ...F, cores: 2 }, {})).toMatchObject({ build: 'relaxed-threads', threads: 2 });
    expect(chooseBuild({ ...F, relaxedSimd: false }, {})).toMatchObject({ build: 'threads', threads: 4 });
  });
  it('runs single-threaded without SharedArrayBuffer and says why', () => {
    const c = chooseBuild({ ...F, sharedMemory: false }, { numThreads: 2 });
    expect(c).toMatchObject({ build: 'relaxed', threads: 1 });
    expect(c.notes.join(' ')).toMatch(/single-threaded: SharedArrayBuffer is unavailable.*cross-origin isolated/);
  });
  it('falls back to plain SIMD without relaxed SIMD', () => {
    expect(chooseBuild({ ...F, relaxedSimd: false }, { numThreads: 1 })).toMatchObject({ build: 'simd', threads: 1 });
  });
  it('refuses what the engine cannot do', () => {
    const code = (f: () => unknown) => { try { f(); } catch (e) { return (e as KilnError).code; } return 'no error'; };
    expect(code(() => chooseBuild({ ...F, simd: false }, {}))).toBe('E_BACKEND_UNAVAILABLE');
    expect(code(() => chooseBuild({ ...F, relaxedSimd: false }, { build: 'relaxed' }))).toBe('E_BACKEND_UNAVAILABLE');
    expect(code(() => chooseBuild({ ...F, sharedMemory: false }, { build: 'threads' }))).toBe('E_BACKEND_UNAVAILABLE');
    expect(code(() => chooseBuild({ ...F, relaxedSimd: false }, { build: 'relaxed-threads' }))).toBe('E_BACKEND_UNAVAILABLE');
    expect(code(() => chooseBuild(F, { numThreads: 0 }))).toBe('E_INPUT_INVALID');
  });
});

describe('Heap', () => {
  it('allocates aligned blocks, merges freed neighbours and grows the memory', () => {
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 100 });
    const h = new Heap(mem, 100);
    const a = h.alloc(10), b = h.alloc(100), c = h.alloc(1000);
    expect([a % 64, b % 64, c % 64]).toEqual([0, 0, 0]);
    expect(new Set([a, b, c]).size).toBe(3);
    h.release(b);
    h.release(a);
    expect(h.alloc(64 + 128)).toBe(a); // a and b merged
    const big = h.alloc(200_000);
    expect(mem.buffer.byteLength).toBeGreaterThanOrEqual(big + 200_000);
    expect(h.inUse).toBe(192 + 1024 + 200_000); // sizes rounded up to 64 bytes
  });
});

describe('planArena', () => {
  // x → A → a → B → b → C → c (output);  a is also read by D (not wasm) → d
  const g = new Graph();
  g.inputs = [{ name: 'x', type: tensorType('float32', [1, 256]) }];
  const mk = (name: string, ins: string[], out: string) => new Node(name, 'Relu', ins, [out]);
  const A = mk('A', ['x'], 'a'), B = mk('B', ['a'], 'b'), C = mk('C', ['b'], 'c'), E = mk('E', ['b'], 'e'), F2 = mk('F', ['e', 'c'], 'f');
  g.nodes = [A, B, C, E, F2];
  for (const v of ['a', 'b', 'c', 'e', 'f']) g.valueTypes.set(v, tensorType('float32', [1, 256]));
  g.outputs = [{ name: 'f' }, { name: 'c' }];
  it('gives live-at-once values separate slots and reuses dead ones', () => {
    const p = planArena(g, new Set([A, B, C, E, F2]), () => false);
    const slot = (n: Node) => p.slots.get(n)![0];
    expect(slot(C)).toBeUndefined(); // a graph output leaves as a JS copy
    expect(slot(F2)).toBeUndefined();
    const [sa, sb, se] = [slot(A)!, slot(B)!, slot(E)!];
    expect(sa.offset).not.toBe(sb.offset); // a is read by B, which writes b
    expect(sb.offset).not.toBe(se.offset); // b is read by E, which writes e
    expect(se.offset).toBe(sa.offset); // a is dead when e is written
    expect(p.size).toBe(2048);
  });
  it('keeps values read by another backend out of the arena', () => {
    const p = planArena(g, new Set([A, C, E, F2]), () => false);
    expect(p.slots.get(A)![0]).toBeUndefined(); // a is read by B, which is not wasm
  });
});

describe('thread pool', () => {
  it('reports a trap in any slice as an error', async () => {
    const rt = await loadRuntime({ build: 'threads', numThreads: 2 });
    rt.minParallelWork = 0;
    // A unary kernel over 1 GiB past the end of memory traps on both threads.
    const bad = rt.memory.buffer.byteLength;
    expect(() => rt.par('unary_f32', [20, bad, bad, 1 << 20, 0, 0], 1 << 20)).toThrow();
    // The pool still works afterwards.
    const p = rt.heap.alloc(4096);
    rt.f32.fill(-2, p / 4, p / 4 + 1024);
    rt.par('unary_f32', [19, p, p, 1024, 0, 0], 1 << 20);
    expect(rt.f32[p / 4 + 1000]).toBe(2);
    rt.heap.release(p);
  });
});
