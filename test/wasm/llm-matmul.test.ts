/**
 * The wasm LLM matmul against the reference LLM kernels on random weights of every type it takes, at
 * shapes that reach every path: 1–3 activation rows (row-by-row kernel), 4+ rows (GEMM) with partial
 * 4-row panels and 8-row weight panels, more than 64 rows (two activation blocks), K over 256 (several
 * K chunks), bias and accumulate, on the SIMD build and on the threads build with 3 threads.
 * Quantized weights take 14-bit activations: the error bound is 3e-4 of the largest output (seen: 1e-4).
 */
import { describe, expect, it } from 'vitest';
import { DTYPES, type DType } from '../../src/engine/ir/dtype.js';
import { numberToFloat16 } from '../../src/engine/ir/minifloat.js';
import type { LlmActivation, LlmKernels } from '../../src/engine/llm-kernels.js';
import { createReferenceLlmKernels } from '../../src/reference/llm/index.js';
import { createWasmBackend } from '../../src/wasm/backend.js';
import { createWasmLlmKernels } from '../../src/wasm/llm/kernels.js';
import { WASM_LLM_WEIGHT_TYPES } from '../../src/wasm/llm/handles.js';

/** Byte offsets of each block type's float16 scale fields (the rest of a block is any bits). */
const SCALES: Partial<Record<DType, number[]>> = {
  q4_0: [0], q4_1: [0, 2], q5_0: [0], q5_1: [0, 2], q8_0: [0], q2_k: [80, 82], q3_k: [108], q4_k: [0, 2], q5_k: [0, 2], q6_k: [208],
};

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

/** Random weight bytes of `type`: random blocks with sane scales, or random floats. */
function weightBytes(type: DType, rows: number, cols: number, seed: number): Uint8Array {
  const r = rng(seed);
  const info = DTYPES[type];
  const n = rows * (cols / info.blockSize);
  const out = new Uint8Array(n * info.bytesPerBlock);
  const dv = new DataView(out.buffer);
  if (type === 'float32') { for (let i = 0; i < n; i++) dv.setFloat32(4 * i, r() * 2 - 1, true); return out; }
  if (type === 'float16') { for (let i = 0; i < n; i++) dv.setUint16(2 * i, numberToFloat16(r() * 2 - 1), true); return out; }
  if (type === 'bfloat16') { for (let i = 0; i < n; i++) dv.setUint16(2 * i, new Uint32Array(Float32Array.of(r() * 2 - 1).buffer)[0]! >>> 16, true); return out; }
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(r() * 256);
  for (let b = 0; b < n; b++) for (const o of SCALES[type]!) dv.setUint16(b * info.bytesPerBlock + o, numberToFloat16((r() * 2 - 1) * 0.02), true);
  return out;
}

async function act(k: LlmKernels, rows: number, cols: number, values: Float32Array): Promise<LlmActivation> {
  const a = k.activation(rows, cols);
  const w = await k.weight({ name: 'x', type: 'float32', rows, cols, data: new Uint8Array(values.buffer.slice(0)) });
  k.embed({ table: w, tokens: Int32Array.from({ length: rows }, (_, i) => i), out: a });
  return a;
}

async function matmul(k: LlmKernels, type: DType, rows: number, cols: number, n: number, seed: number, withBias: boolean): Promise<Float32Array> {
  const r = rng(seed + 1);
  const w = await k.weight({ name: `w.${type}`, type, rows, cols, data: weightBytes(type, rows, cols, seed) });
  const x = await act(k, n, cols, Float32Array.from({ length: n * cols }, () => r() * 2 - 1));
  const out = await act(k, n, rows, Float32Array.from({ length: n * rows }, () => r() * 2 - 1));
  const bias = withBias ? await k.weight({ name: 'b', type: 'float32', rows: 1, cols: rows, data: new Uint8Array(Float32Array.from({ length: rows }, () => r()).buffer) }) : undefined;
  k.matmul({ w, x, out, n, bias, accumulate: withBias });
  return k.read(out, 0, n);
}

const shapes = (t: DType): [number, number, number][] => {
  const K = DTYPES[t].blockSize === 256 ? 512 : DTYPES[t].blockSize === 32 ? 288 : 300;
  return [[13, K, 1], [8, K, 3], [37, K, 5], [9, K, 70]];
};

for (const [label, opts] of [['simd, 1 thread', { build: 'simd', numThreads: 1 }], ['threads, 3 threads', { build: 'threads', numThreads: 3, minParallelWork: 0 }]] as const) {
  describe(`wasm LLM matmul vs reference (${label})`, async () => {
    const backend = await createWasmBackend(opts);
    for (const type of WASM_LLM_WEIGHT_TYPES) {
      it(type, async () => {
        const wasm = createWasmLlmKernels(backend.rt);
        const ref = createReferenceLlmKernels();
        for (const [i, [rows, cols, n]] of shapes(type).entries()) {
          const got = await matmul(wasm, type, rows, cols, n, 17 + i, i % 2 === 1);
          const want = await matmul(ref, type, rows, cols, n, 17 + i, i % 2 === 1);
          let scale = 1;
          for (const v of want) scale = Math.max(scale, Math.abs(v));
          let worst = 0;
          for (let j = 0; j < want.length; j++) worst = Math.max(worst, Math.abs(got[j]! - want[j]!));
          expect(worst / scale, `${rows} × ${cols}, ${n} rows`).toBeLessThan(type.startsWith('q') ? 3e-4 : 1e-5);
        }
        wasm.dispose();
      });
    }
  });
}
