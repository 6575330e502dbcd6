/**
 * The wasm LLM matmul: out (+)= x · Wᵀ + bias with W in its GGUF type (kernels/llm_*.c).
 *
 * - Fewer than 4 activation rows (decode): `llm_matvec` streams each weight row once against each row.
 * - 4 rows or more (prefill): `llm_gemm`, the register-blocked kernel over decoded weight panels.
 * Quantized weights take activations quantized to int8 per 32-value block; the quantized copy is kept
 * and reused while the activation is unchanged (q, k and v read the same normed rows; so do gate and up).
 */
import type { Runtime } from '../runtime.js';
import type { Buffers } from './buffers.js';
import { isFloatType, type WasmActivation, type WasmWeight } from './handles.js';

/** Activation rows from which the GEMM kernel takes over from the row-by-row one. */
export const GEMM_MIN_ROWS = 4;

const a16 = (n: number) => Math.ceil(n / 16) * 16;

interface Quantized { act: WasmActivation; version: number; n: number; q: number; d: number; s: number; s16: number; qi: number }

export class LlmMatmul {
  private rowsCache?: Quantized;
  private panelCache?: Quantized;
  private gemmScratch = 0;

  constructor(private readonly rt: Runtime, private readonly bufs: Buffers) {}

  run(w: WasmWeight, x: WasmActivation, out: WasmActivation, n: number, bias: number, accumulate: boolean): void {
    if (n === 0) return;
    const rt = this.rt;
    const K = w.cols;
    const work = n * w.rows * K;
    if (n < GEMM_MIN_ROWS) {
      const q = isFloatType(w.type) ? undefined : this.quantize(x, n, false);
      rt.par('llm_matvec', [w.code, w.ptr, w.rows, K, x.ptr, q?.q ?? 0, q?.d ?? 0, q?.s ?? 0, q?.s16 ?? 0, q?.qi ?? 0, n, out.ptr, bias, accumulate ? 1 : 0], work);
      return;
    }
    const g = this.bufs.get('gemm.args', 64);
    let aq = 0, ad = 0, as16 = 0, af = 0;
    if (isFloatType(w.type)) {
      af = this.bufs.get('gemm.af', Math.ceil(n / 4) * 4 * K * 4);
      rt.par('pack_a', [x.ptr, n, K, K, 1, af], n * K);
    } else {
      const q = this.quantize(x, n, true);
      aq = q.q; ad = q.d; as16 = q.s16;
    }
    this.gemmScratch ||= Math.ceil(rt.call('llm_gemm_scratch') / 64) * 64;
    const scratch = this.bufs.get('gemm.scratch', this.gemmScratch * rt.slices);
    const a = rt.i32;
    a.set([w.code, w.rows, K, n, w.ptr, aq, ad, as16, af, out.ptr, bias, accumulate ? 1 : 0, scratch, this.gemmScratch], g / 4);
    rt.par('llm_gemm', [g], work);
  }

  /** x's rows 0…n-1 quantized (row or panel layout), reusing the last result while x is unchanged. */
  private quantize(x: WasmActivation, n: number, panels: boolean): Quantized {
    const c = panels ? this.panelCache : this.rowsCache;
    if (c && c.act === x && c.version === x.version && c.n === n) return c;
    const K = x.cols;
    const NB = K / 32;
    const rows = panels ? Math.ceil(n / 4) * 4 : n;
    const qBytes = a16(rows * K * 2), dBytes = a16(rows * NB * 4);
    const base = this.bufs.get(panels ? 'quant.panels' : 'quant.rows', qBytes + 5 * dBytes);
    const r: Quantized = { act: x, version: x.version, n, q: base, d: base + qBytes, s: base + qBytes + dBytes, s16: base + qBytes + 2 * dBytes, qi: base + qBytes + 4 * dBytes };
    if (panels) this.rt.par('llm_quant_panels', [x.ptr, n, K, K, r.q, r.d, r.s, r.s16], n * K * 8);
    else this.rt.par('llm_quant_rows', [x.ptr, n, K, K, r.q, r.d, r.s, r.s16, r.qi], n * K * 8);
    // The two layouts share no buffers, but a new quantization of either replaces its own cache only.
    if (panels) this.panelCache = r;
    else this.rowsCache = r;
    return r;
  }

  /** Forgets cached quantizations (their buffers may be reused). */
  reset(): void {
    this.rowsCache = this.panelCache = undefined;
  }
}
