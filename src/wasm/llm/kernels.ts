/**
 * LlmKernels on the wasm backend (the contract: src/engine/llm-kernels.ts). Weights are copied into the
 * WASM heap in their GGUF type and never expanded; activations and the KV cache (f32 or f16) live in
 * the heap too, so a forward pass moves no data to JS except token ids in and logits out. Every op runs
 * at once (nothing is queued); the big ones on the thread pool (`Runtime.par`).
 *
 * Kernels: kernels/llm_matvec.c (decode matmul), llm_gemm.c + llm_unpack.c (prefill matmul),
 * llm_quant.c (int8 activations), llm_attn.c, llm_ops.c (norm, RoPE, add, gated, KV store).
 * `embed` decodes table rows with the engine's dequantizers straight into the heap (bit-exact with ggml).
 */
import { KilnError } from '../../engine/errors.js';
import { DTYPES } from '../../engine/ir/dtype.js';
import {
  attentionOperands, checkActivationSize, checkCopyRows, checkCols, checkEltwise, checkMatmul, checkNorm, checkRope, checkRow, checkToken, checkVector,
  checkWeightBytes,
} from '../../engine/llm-checks.js';
import type { LlmActivation, LlmKernels, LlmKvCache, LlmWeight, RopeParams } from '../../engine/llm-kernels.js';
import { ropeKey } from '../../engine/llm-rope.js';
import { dequantizerFor } from '../../engine/quant/index.js';
import type { Runtime } from '../runtime.js';
import { Buffers } from './buffers.js';
import {
  asAct, asCache, asWeight, kvBytes, WASM_LLM_WEIGHT_TYPES, WasmActivation, WasmKvCache, WasmWeight, weightBytes,
} from './handles.js';
import { LlmMatmul } from './matmul.js';
import { ropeTable } from './rope.js';

type Handle = WasmWeight | WasmActivation | WasmKvCache;

/** Elements below which an elementwise kernel stays on the calling thread. */
const SMALL = 1 << 16;

export interface WasmLlmKernels extends LlmKernels {
  /** The runtime (build and threads) the kernels run on. */
  readonly runtime: Runtime;
}

export function createWasmLlmKernels(rt: Runtime): WasmLlmKernels {
  const tally = { weights: 0, kv: 0, activations: 0, peak: 0 };
  const add = (kind: 'weights' | 'kv' | 'activations', bytes: number) => {
    tally[kind] += bytes;
    tally.peak = Math.max(tally.peak, tally.weights + tally.kv + tally.activations);
  };
  const bufs = new Buffers(rt, (d) => add('activations', d));
  const mm = new LlmMatmul(rt, bufs);
  const live = new Set<Handle>();
  const kindOf = (h: Handle) => (h instanceof WasmWeight ? 'weights' : h instanceof WasmKvCache ? 'kv' : 'activations');
  const track = <T extends Handle>(h: T): T => {
    live.add(h);
    add(kindOf(h), h.bytes);
    return h;
  };
  const vecPtr = (w: LlmWeight | undefined, len: number, what: string): number => {
    if (!w) return 0;
    const v = asWeight(w);
    checkVector(what, v, len);
    return v.ptr;
  };
  const written = (...acts: WasmActivation[]) => { for (const a of acts) a.version++; };
  const ropeCache = { key: '', ptr: 0 };

  const k: WasmLlmKernels = {
    runtime: rt,
    info: { weightTypes: WASM_LLM_WEIGHT_TYPES, kvTypes: ['f32', 'f16'], maxBufferBytes: 2 ** 31 },

    weight(d) {
      const bytes = weightBytes(d.type, d.rows, d.cols, d.name);
      checkWeightBytes(d.name, d.type, d.rows, d.cols, d.data.byteLength);
      const ptr = rt.heap.alloc(bytes);
      rt.u8.set(d.data, ptr);
      return track(new WasmWeight(d.name, d.type, d.rows, d.cols, ptr));
    },
    activation(rows, cols) {
      checkActivationSize(rows, cols);
      return track(new WasmActivation(rows, cols, rt.heap.alloc(rows * cols * 4)));
    },
    kvCache(d) {
      return track(new WasmKvCache(d, rt.heap.alloc(kvBytes(d))));
    },
    free(h: LlmWeight | LlmActivation | LlmKvCache) {
      const x = h as Handle;
      if (!live.delete(x)) return;
      rt.heap.release(x.ptr);
      add(kindOf(x), -x.bytes);
      if (x instanceof WasmActivation) mm.reset();
    },

    embed({ table, tokens, out, scale = 1 }) {
      const w = asWeight(table);
      const o = asAct(out, tokens.length, 'embed');
      checkCols('embed', o, w.cols);
      const { blockSize, bytesPerBlock } = DTYPES[w.type];
      const rowBytes = (w.cols / blockSize) * bytesPerBlock;
      const dec = dequantizerFor(w.type)!;
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i]!;
        checkToken(t, w.rows);
        const dst = rt.f32.subarray((o.ptr >> 2) + i * w.cols, (o.ptr >> 2) + (i + 1) * w.cols);
        dec(rt.u8.subarray(w.ptr + t * rowBytes, w.ptr + (t + 1) * rowBytes), w.cols / blockSize, dst);
        if (scale !== 1) for (let c = 0; c < w.cols; c++) dst[c] = dst[c]! * scale;
      }
      written(o);
    },

    norm({ kind, x, weight, bias, eps, out, n }) {
      const xa = asAct(x, n, 'norm');
      const oa = asAct(out, n, 'norm out');
      const w = asWeight(weight);
      const g = w.cols;
      const wp = vecPtr(w, g, 'norm weight');
      const bp = vecPtr(bias, g, 'norm bias');
      checkNorm(xa, oa, g, weight.name);
      const groups = (n * xa.cols) / g;
      rt.par('llm_norm', [kind === 'rms' ? 0 : 1, xa.ptr, wp, bp, eps, oa.ptr, groups, g], n * xa.cols >= SMALL ? n * xa.cols : 0);
      written(oa);
    },

    matmul({ w, x, out, n, bias, accumulate }) {
      const wr = asWeight(w);
      const xa = asAct(x, n, `matmul ${w.name}`);
      const oa = asAct(out, n, `matmul ${w.name} out`);
      checkMatmul(wr, xa, oa);
      mm.run(wr, xa, oa, n, vecPtr(bias, wr.rows, `matmul ${w.name} bias`), !!accumulate);
      written(oa);
    },

    rope(a: { x: LlmActivation; n: number; pos: number; heads: number; headDim: number } & RopeParams) {
      const xa = asAct(a.x, a.n, 'rope');
      const fw = a.freqFactors ? asWeight(a.freqFactors) : undefined;
      if (fw) checkVector('rope frequency factors', fw);
      checkRope(a, xa, fw && { name: fw.name, count: fw.cols });
      if (a.n === 0 || a.dims === 0) return;
      const key = ropeKey(a, a.pos, a.n, fw?.ptr ?? 0);
      const bytes = a.n * a.dims * 4;
      const ptr = bufs.get('rope', bytes);
      if (ropeCache.key !== key || ropeCache.ptr !== ptr) {
        const factors = fw ? rt.f32.slice(fw.ptr >> 2, (fw.ptr >> 2) + a.dims / 2) : undefined;
        ropeTable(a, a.pos, a.n, factors, rt.f32.subarray(ptr >> 2, (ptr + bytes) >> 2));
        ropeCache.key = key;
        ropeCache.ptr = ptr;
      }
      rt.par('llm_rope', [xa.ptr, a.n, xa.cols, a.heads, a.headDim, a.dims, a.mode === 'neox' ? 1 : 0, ptr], a.n * xa.cols >= SMALL ? a.n * xa.cols : 0);
      written(xa);
    },

    attention(a) {
      const { c, q, k: kk, v, out } = attentionOperands(a, asAct, asCache);
      const { heads, kvHeads, headDim, n, pos } = a;
      const kvw = kvHeads * headDim;
      if (out === q || out === kk || out === v) throw new KilnError('E_INPUT_INVALID', 'attention: out must be its own activation');
      if (n === 0) return;
      const f16 = c.type === 'f16' ? 1 : 0;
      const elt = f16 ? 2 : 4;
      const kp = c.keys(a.layer), vp = c.values(a.layer);
      rt.call('llm_kv_store', kk.ptr, kp + pos * kvw * elt, n * kvw, f16);
      rt.call('llm_kv_store', v.ptr, vp + pos * kvw * elt, n * kvw, f16);
      const stride = Math.ceil((pos + n + 8) / 16) * 16;
      const scratch = bufs.get('attn.scores', stride * 4 * rt.slices);
      const args = bufs.get('attn.args', 64);
      const i32 = rt.i32, f32 = rt.f32, at = args >> 2;
      i32.set([q.ptr, out.ptr, kp, vp, n, pos, heads, kvHeads, headDim, f16, a.window ?? 0], at);
      f32[at + 11] = a.scale;
      f32[at + 12] = a.softcap ?? 0;
      i32[at + 13] = scratch;
      i32[at + 14] = stride;
      const span = a.window ? Math.min(a.window, pos + n) : pos + n;
      rt.par('llm_attention', [args], n * heads * headDim * span * 2);
      written(out);
    },

    add({ a, b, out, n }) {
      const x = asAct(a, n, 'add');
      const y = asAct(b, n, 'add');
      const o = asAct(out, n, 'add out');
      checkEltwise('add', x, y, o);
      const len = n * x.cols;
      rt.par('llm_add', [x.ptr, y.ptr, o.ptr, len], len >= SMALL ? len : 0);
      written(o);
    },

    gated({ act, gate, up, out, n }) {
      const g = asAct(gate, n, 'gated');
      const u = asAct(up, n, 'gated');
      const o = asAct(out, n, 'gated out');
      checkEltwise('gated', g, u, o);
      const len = n * g.cols;
      rt.par('llm_gated', [act === 'silu' ? 0 : 1, g.ptr, u.ptr, o.ptr, len], len >= SMALL / 4 ? len * 4 : 0);
      written(o);
    },

    copyRows({ src, srcRow, dst, dstRow, n }) {
      const s = asAct(src, srcRow + n, 'copyRows');
      const d = asAct(dst, dstRow + n, 'copyRows');
      checkCopyRows(s, srcRow, d, dstRow);
      rt.u8.copyWithin(d.ptr + dstRow * d.cols * 4, s.ptr + srcRow * s.cols * 4, s.ptr + (srcRow + n) * s.cols * 4);
      written(d);
    },

    async read(x, row, n) {
      const a = asAct(x, row + n, 'read');
      checkRow('read', row);
      rt.rest();
      return rt.f32.slice((a.ptr >> 2) + row * a.cols, (a.ptr >> 2) + (row + n) * a.cols);
    },

    async argmax(x, row, n) {
      const a = asAct(x, row + n, 'argmax');
      checkRow('argmax', row);
      rt.rest();
      const f = rt.f32;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const at = (a.ptr >> 2) + (row + i) * a.cols;
        let best = 0;
        let bv = f[at]!;
        for (let c = 1; c < a.cols; c++) {
          const v = f[at + c]!;
          if (v > bv) { bv = v; best = c; }
        }
        out[i] = best;
      }
      return out;
    },

    memory: () => ({ ...tally }),

    dispose() {
      for (const h of [...live]) k.free(h);
      bufs.dispose();
      mm.reset();
      ropeCache.key = '';
    },
  };
  return k;
}
