/**
 * RoPE angles on the host, in float64, as ggml_rope_ext defines them (YaRN included; the formula is
 * LlmKernels' RopeParams, spelled out in src/reference/llm/rope.ts): for token row i (position pos + i) and
 * pair k, cos θ and sin θ times mscale. The positions are on the host anyway, the table is n × dims/2
 * pairs, and one table serves q and k of every layer of a batch (the last one is kept), so the GPU's
 * sin/cos, loose for large arguments, never enter.
 */
import type { RopeParams } from '../../engine/llm-kernels.js';

function corrDim(dims: number, origContext: number, beta: number, base: number): number {
  return (dims * Math.log(origContext / (beta * 2 * Math.PI))) / (2 * Math.log(base));
}

/** [cos, sin] · mscale per (row, pair), as float32 pairs. */
export function ropeTable(p: RopeParams, pos: number, n: number, factors: Float32Array | undefined): Float32Array {
  const half = p.dims / 2;
  const out = new Float32Array(n * half * 2);
  const low = Math.max(0, Math.floor(corrDim(p.dims, p.origContext, p.betaFast, p.freqBase)));
  const high = Math.min(p.dims - 1, Math.ceil(corrDim(p.dims, p.origContext, p.betaSlow, p.freqBase)));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < half; k++) {
      const extrap = ((pos + i) * Math.pow(p.freqBase, (-2 * k) / p.dims)) / (factors ? factors[k]! : 1);
      const interp = p.freqScale * extrap;
      let theta = interp;
      let mscale = p.attnFactor;
      if (p.extFactor !== 0) {
        const y = (k - low) / Math.max(0.001, high - low);
        const mix = (1 - Math.min(1, Math.max(0, y))) * p.extFactor;
        theta = interp * (1 - mix) + extrap * mix;
        mscale *= 1 + 0.1 * Math.log(1 / p.freqScale);
      }
      out[(i * half + k) * 2] = Math.cos(theta) * mscale;
      out[(i * half + k) * 2 + 1] = Math.sin(theta) * mscale;
    }
  }
  return out;
}

/** A key that changes whenever the table would. */
export function ropeKey(p: RopeParams, pos: number, n: number, factorsId: number): string {
  return [p.dims, p.freqBase, p.freqScale, p.extFactor, p.attnFactor, p.betaFast, p.betaSlow, p.origContext, factorsId, pos, n].join(',');
}
