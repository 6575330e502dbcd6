/**
 * RoPE angles for the wasm kernel (kernels/llm_ops.c rotates with them): for each position the cosines
 * and sines of the dims/2 pair frequencies, times the YaRN magnitude scale, computed in float64 as
 * ggml_rope_ext defines them (see src/engine/llm-kernels.ts RopeParams):
 *   θ = p · base^(-2k/dims) / factor[k], scaled by freqScale, mixed with the unscaled angle by YaRN's
 *   ramp between the correction dims; mscale = attnFactor (· (1 + 0.1·ln(1/freqScale)) with YaRN).
 */
import type { RopeParams } from '../../engine/llm-kernels.js';

const corrDim = (dims: number, orig: number, beta: number, base: number): number => (dims * Math.log(orig / (beta * 2 * Math.PI))) / (2 * Math.log(base));

/** Writes rows for positions pos…pos+n-1 into out (row i at i·dims: dims/2 cosines, then dims/2 sines). */
export function ropeTable(p: RopeParams, pos: number, n: number, factors: Float32Array | undefined, out: Float32Array): void {
  const half = p.dims / 2;
  const low = Math.max(0, Math.floor(corrDim(p.dims, p.origContext, p.betaFast, p.freqBase)));
  const high = Math.min(p.dims - 1, Math.ceil(corrDim(p.dims, p.origContext, p.betaSlow, p.freqBase)));
  const inv = new Float64Array(half);
  const mix = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    inv[k] = Math.pow(p.freqBase, (-2 * k) / p.dims) / (factors ? factors[k]! : 1);
    if (p.extFactor !== 0) mix[k] = (1 - Math.min(1, Math.max(0, (k - low) / Math.max(0.001, high - low)))) * p.extFactor;
  }
  const mscale = p.extFactor !== 0 ? p.attnFactor * (1 + 0.1 * Math.log(1 / p.freqScale)) : p.attnFactor;
  for (let i = 0; i < n; i++) {
    const at = i * p.dims;
    for (let k = 0; k < half; k++) {
      const extrap = (pos + i) * inv[k]!;
      const interp = p.freqScale * extrap;
      const theta = p.extFactor !== 0 ? interp * (1 - mix[k]!) + extrap * mix[k]! : interp;
      out[at + k] = Math.cos(theta) * mscale;
      out[at + half + k] = Math.sin(theta) * mscale;
    }
  }
}
