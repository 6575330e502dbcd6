/**
 * The WebGPU LLM kernels against the shared kernel suite (ggml's dequantized fixtures, float64 math), in
 * Node on Dawn (run by test/llm/llm-webgpu.test.ts in a child process). The suite runs as a device gives
 * it, then once per kernel path the default does not reach at these sizes: the decode kernel with 64
 * threads per row and subgroupAdd, with 16 threads and a workgroup-memory tree, the tiled prefill kernel
 * for every matmul, and weights split into parts of at most 3 rows. The extra runs cover a few weight
 * types each (the decoding, llm-dequant.wgsl, is shared and covered in full by the first run).
 */
import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/engine/ir/dtype.js';
import { createWebGpuBackend } from '../../src/shaders/index.js';
import { createWebGpuLlmKernels, type LlmGpuOptions, type WebGpuLlmKernels } from '../../src/shaders/llm/index.js';
import { describeLlmKernels, seeded } from './kernel-suite.js';

const backend = await createWebGpuBackend().catch(() => undefined);
const TOL = 2e-5;

if (!backend) {
  it.skip('no WebGPU adapter in this process', () => {});
} else {
  const make = (o: LlmGpuOptions, types?: DType[]) => (): WebGpuLlmKernels => {
    const k = createWebGpuLlmKernels(backend.rt, o);
    return types ? { ...k, info: { ...k.info, weightTypes: types } } : k;
  };
  describeLlmKernels('webgpu', make({}), { tol: TOL });
  if (backend.capabilities.features.subgroups) {
    describeLlmKernels('webgpu (decode: 64 threads a row, subgroups)', make({ threadsPerRow: 64 }, ['float32', 'q4_0', 'q6_k']), { tol: TOL });
  }
  describeLlmKernels('webgpu (decode: 16 threads a row, no subgroups)', make({ threadsPerRow: 16, subgroups: false }, ['float32', 'q8_0', 'q5_k']), { tol: TOL });
  describeLlmKernels('webgpu (tiled prefill kernel)', make({ tiledFrom: 1 }, ['float32', 'float16', 'q4_k', 'q3_k']), { tol: TOL });
  describeLlmKernels('webgpu (weights split every 3 rows)', make({ maxPartRows: 3 }), { tol: TOL });

  describe('webgpu LLM kernels: limits, splitting and memory', () => {
    it('splits a weight over the binding limit by rows; a row that cannot fit is a KilnError naming it', async () => {
      const k = createWebGpuLlmKernels(backend.rt, { maxBindingBytes: 1024 });
      const rows = 40, cols = 64;
      const wv = seeded(rows * cols, 3);
      const w = await k.weight({ name: 'big', type: 'float32', rows, cols, data: new Uint8Array(wv.buffer.slice(0)) });
      expect((w as unknown as { parts: unknown[] }).parts.length).toBe(10);
      const xs = seeded(cols, 4);
      const xw = await k.weight({ name: 'x', type: 'float32', rows: 1, cols, data: new Uint8Array(xs.buffer.slice(0)) });
      const x = k.activation(1, cols);
      k.embed({ table: xw, tokens: Int32Array.of(0), out: x });
      for (const tiledFrom of [5, 1]) {
        const kk = tiledFrom === 1 ? createWebGpuLlmKernels(backend.rt, { maxBindingBytes: 1024, tiledFrom }) : k;
        const w2 = tiledFrom === 1 ? await kk.weight({ name: 'big', type: 'float32', rows, cols, data: new Uint8Array(wv.buffer.slice(0)) }) : w;
        const x2 = kk.activation(1, cols);
        kk.embed({ table: tiledFrom === 1 ? await kk.weight({ name: 'x', type: 'float32', rows: 1, cols, data: new Uint8Array(xs.buffer.slice(0)) }) : xw, tokens: Int32Array.of(0), out: x2 });
        const out = kk.activation(1, rows);
        kk.matmul({ w: w2, x: x2, out, n: 1 });
        const got = await kk.read(out, 0, 1);
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let c = 0; c < cols; c++) s += xs[c]! * wv[r * cols + c]!;
          expect(got[r]).toBeCloseTo(s, 4);
        }
        if (kk !== k) kk.dispose();
      }
      const e = k.activation(3, cols);
      k.embed({ table: w, tokens: Int32Array.of(39, 0, 17), out: e });
      expect(Array.from(await k.read(e, 0, 1))).toEqual(Array.from(wv.subarray(39 * cols, 40 * cols)));
      expect(Array.from(await k.read(e, 2, 1))).toEqual(Array.from(wv.subarray(17 * cols, 18 * cols)));
      await expect(k.weight({ name: 'wide', type: 'float32', rows: 1, cols: 512, data: new Uint8Array(2048) })).rejects.toThrow(/'wide'.*binding limit/);
      expect(() => k.activation(8, 64)).toThrow(/binding limit/);
      expect(() => k.kvCache({ layers: 1, contextSize: 64, kvHeads: 1, headDim: 8, type: 'f32' })).toThrow(/KV cache.*binding limit/);
      k.dispose();
    });

    it('counts weights, KV cache and activations; dispose frees all of it', async () => {
      const k = createWebGpuLlmKernels(backend.rt);
      await k.weight({ name: 'w', type: 'q8_0', rows: 4, cols: 64, data: new Uint8Array(4 * 68) });
      k.kvCache({ layers: 2, contextSize: 16, kvHeads: 2, headDim: 8, type: 'f16' });
      k.activation(2, 10);
      expect(k.memory()).toMatchObject({ weights: 272, kv: 2 * 2 * 16 * 16 * 2, activations: 80 });
      k.dispose();
      expect(k.memory()).toMatchObject({ weights: 0, kv: 0, activations: 0 });
      await expect(k.weight({ name: 'iq', type: 'iq4_nl', rows: 1, cols: 32, data: new Uint8Array(18) })).rejects.toThrow(/'iq'.*iq4_nl/);
    });

    it('argmax reads back the first maximum of each row', async () => {
      const k = createWebGpuLlmKernels(backend.rt);
      const cols = 1000;
      const v = new Float32Array(3 * cols);
      v[5] = 2; v[700] = 2; v[cols + 999] = 1; v[2 * cols] = -1; v.fill(-2, 2 * cols + 1, 3 * cols);
      const t = await k.weight({ name: 't', type: 'float32', rows: 3, cols, data: new Uint8Array(v.buffer) });
      const x = k.activation(3, cols);
      k.embed({ table: t, tokens: Int32Array.of(0, 1, 2), out: x });
      expect(Array.from(await k.argmax(x, 0, 3))).toEqual([5, 999, 0]);
      expect(Array.from(await k.argmax(x, 1, 1))).toEqual([999]);
      k.dispose();
    });

    it('attention over a long context (workgroup online softmax, sliding window) vs float64 math', async () => {
      // 300 positions × head dim 64 is past the one-thread limit; the first 100 positions are under it.
      const k = createWebGpuLlmKernels(backend.rt);
      const heads = 2, hd = 64, total = 300;
      const q = seeded(total * heads * hd, 21), kv = seeded(total * hd, 22), vv = seeded(total * hd, 23);
      const cache = k.kvCache({ layers: 1, contextSize: total, kvHeads: 1, headDim: hd, type: 'f32' });
      const table = async (name: string, data: Float32Array, cols: number) => {
        const w = await k.weight({ name, type: 'float32', rows: data.length / cols, cols, data: new Uint8Array(data.buffer.slice(0)) });
        const a = k.activation(data.length / cols, cols);
        k.embed({ table: w, tokens: Int32Array.from({ length: data.length / cols }, (_, i) => i), out: a });
        return a;
      };
      const qa = await table('q', q, heads * hd), ka = await table('k', kv, hd), va = await table('v', vv, hd);
      const out = k.activation(total, heads * hd);
      k.attention({ q: qa, k: ka, v: va, cache, layer: 0, n: total, pos: 0, heads, kvHeads: 1, headDim: hd, scale: 0.125, out, window: 250 });
      const got = await k.read(out, 0, total);
      for (const p of [0, 99, 127, 299]) for (const h of [0, 1]) {
        const first = Math.max(0, p - 249);
        const s: number[] = [];
        for (let t = first; t <= p; t++) { let d = 0; for (let j = 0; j < hd; j++) d += q[(p * heads + h) * hd + j]! * kv[t * hd + j]!; s.push(d * 0.125); }
        const m = Math.max(...s);
        const e = s.map((z) => Math.exp(z - m));
        const sum = e.reduce((a, b) => a + b);
        for (const j of [0, 31, 63]) {
          const want = e.reduce((a, z, i) => a + (z / sum) * vv[(first + i) * hd + j]!, 0);
          expect(got[(p * heads + h) * hd + j]).toBeCloseTo(want, 5);
        }
      }
      k.dispose();
    });
  });
}
