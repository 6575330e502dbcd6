/**
 * The Node half of the issue #5 tests (vitest): what needs no browser — the worker protocol's codec
 * and error round trip, the in-thread session (profile, abort, queued runs), and the streamed download's
 * chunking. The browser half (worker, cache, script tag, demo) is in the *.spec.ts files here.
 */
import { describe, expect, it, vi } from 'vitest';
import { longModel, sampleModel } from '../../demo/sample-model.js';
import { KilnError, Tensor } from '../../src/index.js';
import { download, joinChunks } from '../../src/cache/download.js';
import { fetchModel } from '../../src/cache/index.js';
import { InferenceSession } from '../../src/workers/index.js';
import { byOpType } from '../../demo/profile.js';
import { fromWire, fromWireError, toWire, toWireError } from '../../src/workers/protocol.js';

describe('worker protocol', () => {
  it('moves whole buffers, copies views and pinned buffers, keeps sequences and nulls', () => {
    const whole = new Tensor('float32', new Float32Array([1, 2, 3, 4]), [2, 2]);
    const slab = new Float32Array(8).fill(7);
    const view = new Tensor('float32', slab.subarray(2, 6), [4]);
    const pinnedBuf = new Int32Array([5, 6]);
    const pinned = new Tensor('int32', pinnedBuf, [2]);
    const transfer = new Set<ArrayBuffer>();
    const w = toWire([whole, view, pinned, null], transfer, false, new Set([pinnedBuf.buffer]));
    expect(transfer.has((whole.data as Float32Array).buffer as ArrayBuffer)).toBe(true);
    expect(transfer.has(slab.buffer)).toBe(false);
    expect(transfer.has(pinnedBuf.buffer)).toBe(false);
    expect(transfer.size).toBe(3); // whole's own buffer, plus fresh copies of the view and the pinned tensor
    const back = fromWire(w) as (Tensor | null)[];
    expect(back.map((t) => (t ? Array.from(t.data as ArrayLike<number>) : null))).toEqual([[1, 2, 3, 4], [7, 7, 7, 7], [5, 6], null]);
    expect(back[0]!.dims).toEqual([2, 2]);
  });

  it('copies everything with keepInputs, and passes string tensors as they are', () => {
    const t = new Tensor('float32', new Float32Array([1]), [1]);
    const s = new Tensor('string', ['a', 'b'], [2]);
    const transfer = new Set<ArrayBuffer>();
    toWire(t, transfer, true);
    expect(transfer.has((t.data as Float32Array).buffer as ArrayBuffer)).toBe(false);
    expect((fromWire(toWire(s, transfer)) as Tensor).data).toEqual(['a', 'b']);
  });

  it('rebuilds errors with the same class, code, details and name', () => {
    const k = fromWireError(toWireError(new KilnError('E_SHAPE_MISMATCH', 'input x is wrong', { tensor: 'x', big: 3n })));
    expect(k).toBeInstanceOf(KilnError);
    expect((k as KilnError).code).toBe('E_SHAPE_MISMATCH');
    expect(k.message).toBe('[E_SHAPE_MISMATCH] input x is wrong');
    expect((k as KilnError).details).toEqual({ tensor: 'x', big: 3n });
    const t = fromWireError(toWireError(new TypeError('bad')));
    expect(t.name).toBe('TypeError');
    expect(t.message).toBe('bad');
  });
});

describe('InferenceSession in this thread (Node)', () => {
  it('runs in the calling thread, profiles per node and per op type', async () => {
    const s = await InferenceSession.create(sampleModel(), { enableProfiling: true });
    expect(s.inWorker).toBe(false);
    expect(s.loadInfo).toMatchObject({ source: 'bytes', worker: false });
    const { probs } = await s.run({ image: new Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]) });
    expect(probs!.dims).toEqual([1, 10]);
    const p = await s.profile();
    expect(p.nodes.length).toBe(s.assignments.length);
    expect(p.nodes.every((n) => n.backend === 'reference' && n.ms >= 0)).toBe(true);
    const ops = byOpType(p.nodes);
    expect(Object.fromEntries(ops.map((o) => [o.opType, o.count]))).toEqual(Object.fromEntries(Object.entries(p.byOpType).map(([k, v]) => [k, v.count])));
    expect(ops.every((o) => o.backends.join() === 'reference')).toBe(true);
    expect(ops.reduce((a, o) => a + o.share, 0)).toBeCloseTo(1, 6);
    expect(s.model.graph.nodes.length).toBe(s.assignments.length);
    await s.release();
    await expect(s.run({})).rejects.toMatchObject({ code: 'E_RELEASED' });
  });

  it('aborts between nodes, rejects at once, runs one at a time, and stays usable', async () => {
    const s = await InferenceSession.create(longModel(6, 256, 512));
    const x = () => new Tensor('float32', new Float32Array(512 * 256).fill(0.02), [512, 256]);
    const ac = new AbortController();
    const aborted = s.run({ x: x() }, { signal: ac.signal });
    const queued = s.run({ x: x() });
    setTimeout(() => ac.abort(), 5);
    await expect(aborted).rejects.toMatchObject({ code: 'E_ABORTED' });
    const out = await queued;
    expect((out.y!.data as Float32Array).length).toBe(512 * 256);
    await expect(s.run({ x: x() }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(KilnError);
    await s.release();
  });

  it('the demo\'s byOpType sorts op types by time and sums shares', () => {
    const rows = byOpType([
      { node: 'a', opType: 'Add', backend: 'r', ms: 1 },
      { node: 'b', opType: 'Conv', backend: 'w', ms: 3 },
      { node: 'c', opType: 'Add', backend: 'r', ms: 1 },
    ]);
    expect(rows.map((r) => [r.opType, r.count, r.ms, r.share])).toEqual([['Conv', 1, 3, 0.6], ['Add', 2, 2, 0.4]]);
  });
});

describe('streamed download', () => {
  const respond = (pieces: Uint8Array[], length?: number) => vi.fn(async () => new Response(new ReadableStream({
    start(c) {
      for (const p of pieces) c.enqueue(p);
      c.close();
    },
  }), { headers: length === undefined ? {} : { 'content-length': String(length) } }));

  it('gathers network pieces into chunks of at most chunkBytes, reporting progress', async () => {
    const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);
    vi.stubGlobal('fetch', respond([bytes.subarray(0, 3000), bytes.subarray(3000, 3001), bytes.subarray(3001)], 10_000));
    const seen: number[] = [];
    const progress: { loaded: number; total?: number }[] = [];
    const got = await download('http://x/m.onnx', { chunkBytes: 4096, onChunk: (c) => seen.push(c.byteLength), onProgress: (p) => progress.push(p) });
    vi.unstubAllGlobals();
    expect(seen).toEqual([4096, 4096, 1808]);
    expect(got.size).toBe(10_000);
    expect(joinChunks(got.chunks, got.size, 'm')).toEqual(bytes);
    expect(progress.at(-1)).toEqual({ loaded: 10_000, total: 10_000 });
  });

  it('treats Content-Length as a hint (compressed responses count fewer bytes than they deliver)', async () => {
    const bytes = new Uint8Array(5000).fill(3);
    vi.stubGlobal('fetch', respond([bytes], 1000));
    const got = await download('http://x/m.onnx', { chunkBytes: 1 << 30 });
    vi.unstubAllGlobals();
    expect(got.size).toBe(5000);
    expect(joinChunks(got.chunks, got.size, 'm')).toEqual(bytes);
  });

  it('fetchModel without IndexedDB (Node) downloads without caching; HTTP errors are E_IO', async () => {
    vi.stubGlobal('fetch', respond([new Uint8Array([1, 2, 3])], 3));
    const got = await fetchModel('http://x/m.onnx');
    expect(got).toMatchObject({ source: 'network', refetched: false });
    expect(got.hash).toBeUndefined();
    vi.stubGlobal('fetch', vi.fn(async () => new Response('no', { status: 404, statusText: 'Not Found' })));
    await expect(fetchModel('http://x/m.onnx')).rejects.toMatchObject({ code: 'E_IO' });
    vi.unstubAllGlobals();
  });
});
