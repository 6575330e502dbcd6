/**
 * One test body for every LlmKernels implementation (reference now; wasm and webgpu call the same
 * function with their factory and tolerance): quantized weights against ggml's own dequantized values
 * (ggml-quant-fixtures.gguf), and each op against plain float64 math written here.
 *
 *   describeLlmKernels('wasm', () => wasmBackend.llm!, { tol: 2e-2 });
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/engine/ir/dtype.js';
import type { LlmActivation, LlmKernels, RopeParams } from '../../src/engine/llm-kernels.js';
import { readGguf } from '../../src/formats/gguf/index.js';
import { LLM_DIR } from './vocab-data.js';

export const FIXTURE_TYPES: [string, DType][] = [
  ['f16', 'float16'], ['bf16', 'bfloat16'], ['q4_0', 'q4_0'], ['q4_1', 'q4_1'], ['q5_0', 'q5_0'], ['q5_1', 'q5_1'], ['q8_0', 'q8_0'],
  ['q2_K', 'q2_k'], ['q3_K', 'q3_k'], ['q4_K', 'q4_k'], ['q5_K', 'q5_k'], ['q6_K', 'q6_k'],
];

/** Deterministic values in [-1, 1). */
export function seeded(n: number, seed: number): Float32Array {
  let x = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x / 2 ** 31 - 1;
  }
  return out;
}

const f32Bytes = (a: Float32Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

interface SuiteOptions {
  /** Largest |got - want| relative to max(1, |want|) (0 = exact, the reference). */
  tol: number;
}

export function describeLlmKernels(label: string, make: () => LlmKernels, opts: SuiteOptions): void {
  const fixture = readGguf(new Uint8Array(readFileSync(`${LLM_DIR}ggml-quant-fixtures.gguf`)), 'ggml-quant-fixtures.gguf');
  const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol = opts.tol) => {
    expect(got.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
    expect(worst).toBeLessThanOrEqual(tol);
  };
  /** An activation holding `values` (written through embed: the interface has no other way in). */
  const act = async (k: LlmKernels, rows: number, cols: number, values: Float32Array): Promise<LlmActivation> => {
    const a = k.activation(rows, cols);
    const w = await k.weight({ name: 'rows', type: 'float32', rows, cols, data: f32Bytes(values) });
    k.embed({ table: w, tokens: Int32Array.from({ length: rows }, (_, i) => i), out: a });
    return a;
  };
  const vec = async (k: LlmKernels, name: string, v: Float32Array) => k.weight({ name, type: 'float32', rows: 1, cols: v.length, data: f32Bytes(v) });

  describe(`${label} LLM kernels: quantized weights vs ggml (ggml-quant-fixtures.gguf)`, () => {
    for (const [suffix, type] of FIXTURE_TYPES) {
      it(`${type}: embed rows and matmul against deq.${suffix}`, async () => {
        const k = make();
        if (!k.info.weightTypes.includes(type)) return;
        const deq = fixture.dequantizeSync(`deq.${suffix}`);
        const w = await k.weight({ name: `q.${suffix}`, type, rows: 4, cols: 256, data: fixture.tensorBytesSync(`q.${suffix}`) });
        const rows = k.activation(4, 256);
        k.embed({ table: w, tokens: Int32Array.of(0, 1, 2, 3), out: rows });
        close(await k.read(rows, 0, 4), deq);
        const x = seeded(3 * 256, 7);
        const xa = await act(k, 3, 256, x);
        const out = k.activation(3, 4);
        k.matmul({ w, x: xa, out, n: 3 });
        const want = new Float64Array(12);
        for (let i = 0; i < 3; i++) for (let r = 0; r < 4; r++) for (let c = 0; c < 256; c++) want[i * 4 + r] = want[i * 4 + r]! + x[i * 256 + c]! * deq[r * 256 + c]!;
        close(await k.read(out, 0, 3), want, Math.max(opts.tol, 1e-6));
        k.dispose();
      });
    }
  });

  describe(`${label} LLM kernels: ops vs float64 math`, () => {
    it('matmul with bias and accumulate; add; copyRows; argmax', async () => {
      const k = make();
      const wv = seeded(6 * 8, 1);
      const w = await k.weight({ name: 'w', type: 'float32', rows: 6, cols: 8, data: f32Bytes(wv) });
      const bias = await vec(k, 'b', seeded(6, 2));
      const x = seeded(2 * 8, 3);
      const out = await act(k, 2, 6, seeded(12, 4));
      k.matmul({ w, x: await act(k, 2, 8, x), out, n: 2, bias, accumulate: true });
      const want = seeded(12, 4).map((v, j) => {
        const i = Math.floor(j / 6), r = j % 6;
        let s = seeded(6, 2)[r]!;
        for (let c = 0; c < 8; c++) s += x[i * 8 + c]! * wv[r * 8 + c]!;
        return v + s;
      });
      close(await k.read(out, 0, 2), want, Math.max(opts.tol, 1e-6));
      const sum = k.activation(2, 6);
      k.add({ a: out, b: out, out: sum, n: 2 });
      close(await k.read(sum, 0, 2), want.map((v) => 2 * v), Math.max(opts.tol, 1e-6));
      const one = k.activation(1, 6);
      k.copyRows({ src: sum, srcRow: 1, dst: one, dstRow: 0, n: 1 });
      close(await k.read(one, 0, 1), want.slice(6).map((v) => 2 * v), Math.max(opts.tol, 1e-6));
      const am = await k.argmax(sum, 0, 2);
      for (let i = 0; i < 2; i++) {
        const row = Array.from(want.slice(i * 6, i * 6 + 6));
        expect(am[i]).toBe(row.indexOf(Math.max(...row)));
      }
      k.dispose();
    });

    it('rms and layer norm, per row and per group (q/k norms)', async () => {
      const k = make();
      const x = seeded(2 * 16, 5);
      const g = seeded(8, 6);
      for (const kind of ['rms', 'layer'] as const) {
        const out = k.activation(2, 16);
        k.norm({ kind, x: await act(k, 2, 16, x), weight: await vec(k, 'g', g), bias: kind === 'layer' ? await vec(k, 'b', g) : undefined, eps: 1e-5, out, n: 2 });
        const want = new Float64Array(32);
        for (let at = 0; at < 32; at += 8) {
          const v = Array.from(x.slice(at, at + 8));
          const mean = kind === 'rms' ? 0 : v.reduce((a, b) => a + b) / 8;
          const s = 1 / Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / 8 + 1e-5);
          v.forEach((e, c) => (want[at + c] = (e - mean) * s * g[c]! + (kind === 'layer' ? g[c]! : 0)));
        }
        close(await k.read(out, 0, 2), want, Math.max(opts.tol, 1e-6));
      }
      k.dispose();
    });

    it('gated silu and gelu', async () => {
      const k = make();
      const gt = seeded(12, 8).map((v) => v * 4);
      const up = seeded(12, 9);
      for (const a of ['silu', 'gelu'] as const) {
        const out = k.activation(2, 6);
        k.gated({ act: a, gate: await act(k, 2, 6, gt), up: await act(k, 2, 6, up), out, n: 2 });
        const f = (v: number) => (a === 'silu' ? v / (1 + Math.exp(-v)) : 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
        close(await k.read(out, 0, 2), Array.from(gt, (v, i) => f(v) * up[i]!), Math.max(opts.tol, 1e-6));
      }
      k.dispose();
    });

    it('rope: normal and neox pairing, partial dims, frequency factors', async () => {
      const k = make();
      const heads = 2, hd = 8, n = 3, pos = 5;
      const x = seeded(n * heads * hd, 10);
      const factors = Float32Array.of(1, 2, 4);
      for (const mode of ['normal', 'neox'] as const) {
        const xa = await act(k, n, heads * hd, x);
        const p: RopeParams = { mode, dims: 6, freqBase: 100, freqScale: 1, extFactor: 0, attnFactor: 1, betaFast: 32, betaSlow: 1, origContext: 64, freqFactors: await vec(k, 'ff', factors) };
        k.rope({ x: xa, n, pos, heads, headDim: hd, ...p });
        const want = Float64Array.from(x);
        for (let i = 0; i < n; i++) for (let h = 0; h < heads; h++) for (let j = 0; j < 3; j++) {
          const theta = ((pos + i) * Math.pow(100, (-2 * j) / 6)) / factors[j]!;
          const at = i * heads * hd + h * hd;
          const [a, b] = mode === 'normal' ? [at + 2 * j, at + 2 * j + 1] : [at + j, at + j + 3];
          want[a] = x[a]! * Math.cos(theta) - x[b]! * Math.sin(theta);
          want[b] = x[a]! * Math.sin(theta) + x[b]! * Math.cos(theta);
        }
        close(await k.read(xa, 0, n), want, Math.max(opts.tol, 1e-6));
      }
      k.dispose();
    });

    for (const type of ['f32', 'f16'] as const) {
      it(`attention (${type} cache): grouped heads, two batches, sliding window, soft-cap`, async () => {
        const k = make();
        if (!k.info.kvTypes.includes(type)) return;
        const heads = 4, kvHeads = 2, hd = 4, total = 6;
        const q = seeded(total * heads * hd, 11), kk = seeded(total * kvHeads * hd, 12), v = seeded(total * kvHeads * hd, 13);
        for (const extra of [{}, { window: 3 }, { softcap: 0.5 }] as { window?: number; softcap?: number }[]) {
          const cache = k.kvCache({ layers: 2, contextSize: 8, kvHeads, headDim: hd, type });
          const got: number[] = [];
          for (const [pos, n] of [[0, 4], [4, 2]] as const) {
            const out = k.activation(4, heads * hd);
            const sl = (a: Float32Array, w: number) => a.slice(pos * w, (pos + n) * w);
            k.attention({ q: await act(k, n, heads * hd, sl(q, heads * hd)), k: await act(k, n, kvHeads * hd, sl(kk, kvHeads * hd)), v: await act(k, n, kvHeads * hd, sl(v, kvHeads * hd)), cache, layer: 1, n, pos, heads, kvHeads, headDim: hd, scale: 0.5, out, ...extra });
            got.push(...(await k.read(out, 0, n)));
          }
          const want: number[] = [];
          for (let p = 0; p < total; p++) for (let h = 0; h < heads; h++) {
            const g = Math.floor(h / 2);
            const ts = [...Array(p + 1).keys()].filter((t) => extra.window === undefined || t > p - extra.window);
            let s = ts.map((t) => [...Array(hd).keys()].reduce((a, d) => a + q[(p * heads + h) * hd + d]! * kk[(t * kvHeads + g) * hd + d]!, 0) * 0.5);
            const cap = extra.softcap;
            if (cap) s = s.map((z) => cap * Math.tanh(z / cap));
            const m = Math.max(...s);
            const e = s.map((z) => Math.exp(z - m));
            const sum = e.reduce((a, b) => a + b);
            for (let d = 0; d < hd; d++) want.push(ts.reduce((a, t, i) => a + (e[i]! / sum) * v[(t * kvHeads + g) * hd + d]!, 0));
          }
          close(got, want, Math.max(opts.tol, type === 'f16' ? 2e-3 : 1e-6));
        }
        k.dispose();
      });
    }

    it('refuses bad calls with KilnErrors', async () => {
      const k = make();
      const cache = k.kvCache({ layers: 1, contextSize: 4, kvHeads: 1, headDim: 4, type: 'f32' });
      const a = k.activation(2, 4);
      expect(() => k.attention({ q: a, k: a, v: a, cache, layer: 0, n: 2, pos: 3, heads: 1, kvHeads: 1, headDim: 4, scale: 1, out: k.activation(2, 4) })).toThrow(/past the KV cache/);
      expect(() => k.add({ a, b: a, out: a, n: 3 })).toThrow(/KilnError|rows/);
      await expect(async () => k.weight({ name: 'bad', type: 'q4_0', rows: 2, cols: 31, data: new Uint8Array(36) })).rejects.toThrow(/bad/);
      k.dispose();
    });
  });
}
