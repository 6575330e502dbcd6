/**
 * LlmKernels on WebGPU (the contract: src/engine/llm-kernels.ts; the answer key: src/reference/llm).
 *
 * - Weights keep their GGUF bytes on the GPU (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K…Q6_K),
 *   decoded inside the matmul and embedding shaders (llm-dequant.wgsl). They are uploaded as they come,
 *   one tensor at a time, and never widened. A tensor over the device's storage binding limit is split
 *   by rows into parts that fit (a matmul is then one dispatch per part); one row that does not fit is a
 *   KilnError('E_QUOTA') naming the tensor, as is a device out-of-memory during the upload.
 * - Activations are float32 regions; the KV cache is one K and one V region per layer, float32 or f16
 *   (f16 pairs packed in u32 words with pack2x16float, so it needs no shader-f16; it is the default
 *   only where shader-f16 exists, i.e. on GPUs with native half support).
 * - Ops are recorded into the runtime's single command encoder; `read` and `argmax` submit and wait.
 *   Greedy decoding reads back 4 bytes a token (argmax runs on the GPU).
 */
import { KilnError } from '../../engine/errors.js';
import { checkActivationSize, checkKvCache } from '../../engine/llm-checks.js';
import type { KvType, LlmActivation, LlmKernels, LlmKvCache, LlmKvCacheDesc, LlmWeight } from '../../engine/llm-kernels.js';
import type { Region } from '../buffer-pool.js';
import type { GpuRuntime } from '../runtime.js';
import { LlmGpu, type LlmGpuOptions } from './gpu.js';
import { kvLayerBytes } from '../../engine/llm-kv-cache.js';
import { GPU_WEIGHT_TYPES, GpuActivation, GpuKvCache, GpuWeight } from './handles.js';
import { LlmOps } from './ops.js';

export type { LlmGpuOptions } from './gpu.js';
export { GPU_WEIGHT_TYPES } from './handles.js';

type Handle = GpuWeight | GpuActivation | GpuKvCache;
type Kind = 'weights' | 'kv' | 'activations';

/** Float32 vectors up to this many values keep a host copy (rope factors are read on the host). */
const HOST_VECTOR = 1 << 16;

export interface WebGpuLlmKernels extends LlmKernels {
  /** The limits in force: bytes per region (weight part, activation, cache layer) and the matmul split. */
  readonly limits: { readonly maxBindingBytes: number; readonly tiledFrom: number; readonly subgroups: boolean };
}

export function createWebGpuLlmKernels(rt: GpuRuntime, opts: LlmGpuOptions = {}): WebGpuLlmKernels {
  const g = new LlmGpu(rt, opts);
  const ops = new LlmOps(g);
  const live = new Set<Handle>();
  const tally = { weights: 0, kv: 0, activations: 0, peak: 0 };
  const kindOf = (h: Handle): Kind => (h instanceof GpuWeight ? 'weights' : h instanceof GpuKvCache ? 'kv' : 'activations');
  const track = <T extends Handle>(h: T): T => {
    live.add(h);
    tally[kindOf(h)] += h.bytes;
    tally.peak = Math.max(tally.peak, tally.weights + tally.kv + tally.activations);
    return h;
  };
  const regionsOf = (h: Handle): Region[] => (h instanceof GpuWeight ? h.parts.map((p) => p.region) : h instanceof GpuKvCache ? [...h.k, ...h.v] : [h.region]);
  const release = (h: Handle): void => {
    if (!live.delete(h)) return;
    tally[kindOf(h)] -= h.bytes;
    if (!rt.ctx.lost) for (const r of regionsOf(h)) g.pool.free(r);
    if (h instanceof GpuWeight) h.parts.length = 0;
  };
  const alloc = (bytes: number, what: string): Region => {
    if (bytes > g.maxBinding) throw new KilnError('E_QUOTA', `${what} needs ${bytes} bytes in one buffer, over this GPU's ${g.maxBinding}-byte storage binding limit`);
    return g.pool.alloc(bytes);
  };

  return {
    info: {
      weightTypes: GPU_WEIGHT_TYPES,
      kvTypes: rt.ctx.caps.features.shaderF16 ? ['f16', 'f32'] : ['f32', 'f16'],
      // Weights split by rows into parts of at most the binding limit, so no weight is too big as a whole;
      // activations and KV cache layers are checked when allocated.
      maxBufferBytes: Number.MAX_SAFE_INTEGER,
      software: rt.ctx.caps.adapter.isFallbackAdapter,
    },
    limits: { maxBindingBytes: g.maxBinding, tiledFrom: g.tiledFrom, subgroups: g.subgroups },

    async weight(d) {
      rt.ctx.check();
      const w = new GpuWeight(d.name, d.type, d.rows, d.cols, d.data.byteLength);
      const perPart = Math.min(g.maxPartRows, Math.floor(g.maxBinding / w.rowBytes));
      if (perPart < 1) {
        throw new KilnError('E_QUOTA', `weight '${d.name}': one row is ${w.rowBytes} bytes, over this GPU's ${g.maxBinding}-byte storage binding limit`, { tensor: d.name });
      }
      rt.device.pushErrorScope('out-of-memory');
      let thrown: unknown;
      try {
        for (let row0 = 0; row0 < w.rows; row0 += perPart) {
          const rows = Math.min(perPart, w.rows - row0);
          const region = g.pool.alloc(rows * w.rowBytes);
          w.parts.push({ region, row0, rows });
          rt.upload(region, d.data.subarray(row0 * w.rowBytes, (row0 + rows) * w.rowBytes));
        }
      } catch (e) {
        thrown = e;
      }
      const oom = await rt.device.popErrorScope();
      if (thrown !== undefined || oom) {
        for (const p of w.parts) g.pool.free(p.region);
        w.parts.length = 0;
        if (thrown !== undefined) throw thrown;
        throw new KilnError('E_QUOTA', `weight '${d.name}' (${w.bytes} bytes) does not fit in GPU memory: ${oom!.message}`, { tensor: d.name });
      }
      track(w);
      if (d.type === 'float32' && d.rows === 1 && d.cols <= HOST_VECTOR) w.host = new Float32Array(d.data.slice().buffer, 0, d.cols);
      return w;
    },

    activation(rows, cols) {
      rt.ctx.check();
      checkActivationSize(rows, cols);
      return track(new GpuActivation(rows, cols, alloc(rows * cols * 4, `an activation of ${rows} × ${cols}`)));
    },

    kvCache(d: LlmKvCacheDesc) {
      rt.ctx.check();
      checkKvCache(d);
      if (d.type === 'f16' && (d.kvHeads * d.headDim) % 2 !== 0) throw new KilnError('E_INPUT_INVALID', `an f16 KV cache needs an even row width, not ${d.kvHeads} × ${d.headDim}`);
      const bytes = kvLayerBytes(d);
      const k: Region[] = [];
      const v: Region[] = [];
      try {
        for (let l = 0; l < d.layers; l++) {
          k.push(alloc(bytes, `one layer of the KV cache (${d.contextSize} positions × ${d.kvHeads} × ${d.headDim} ${d.type})`));
          v.push(alloc(bytes, 'one layer of the KV cache'));
        }
      } catch (e) {
        for (const r of [...k, ...v]) g.pool.free(r);
        throw e;
      }
      return track(new GpuKvCache(d, k, v));
    },

    free(h: LlmWeight | LlmActivation | LlmKvCache) {
      release(h as Handle);
    },

    embed({ table, tokens, out, scale = 1 }) {
      ops.embed(table, tokens, out, scale);
    },
    norm({ kind, x, weight, bias, eps, out, n }) {
      ops.norm(kind, x, weight, bias, eps, out, n);
    },
    matmul({ w, x, out, n, bias, accumulate }) {
      ops.matmul(w, x, out, n, bias, accumulate ?? false);
    },
    rope(a) {
      ops.ropeOp(a);
    },
    attention(a) {
      ops.attention(a);
    },
    add({ a, b, out, n }) {
      ops.eltwise('ADD', a, b, out, n, 'add');
    },
    gated({ act, gate, up, out, n }) {
      ops.eltwise(act === 'silu' ? 'SILU' : 'GELU', gate, up, out, n, 'gated');
    },
    copyRows({ src, srcRow, dst, dstRow, n }) {
      ops.copyRows(src, srcRow, dst, dstRow, n);
    },
    read: (x, row, n) => ops.read(x, row, n),
    argmax: (x, row, n) => ops.argmax(x, row, n),

    memory: () => ({ ...tally }),

    dispose() {
      for (const h of [...live]) release(h);
      ops.reset();
      // Recorded work may still use these buffers: resetPool submits it first.
      if (!rt.ctx.lost) g.resetPool();
    },
  };
}

export type { KvType };
