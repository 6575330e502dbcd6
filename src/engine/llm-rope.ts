/**
 * RoPE angles as ggml_rope_ext computes them, YaRN included: one function for every backend (the
 * reference rotates with them directly, wasm and WebGPU upload them as a table), so all use the same
 * float64 formula. For pair index k = i0/2 of a head (i0 = 0, 2, …, dims-2) at position p:
 *   θ_extrap = p · base^(-i0/dims) / freqFactor[k]          (freqFactor = 1 without factors)
 *   θ_interp = freqScale · θ_extrap
 *   θ = θ_interp, or with YaRN (extFactor ≠ 0): mix = ramp(i0)·extFactor, θ = θ_interp(1-mix) + θ_extrap·mix,
 *       and mscale = attnFactor · (1 + 0.1·ln(1/freqScale))
 *   ramp(i0) = 1 - clamp((i0/2 - low) / max(0.001, high - low), 0, 1), with [low, high] the YaRN
 *   correction dims: dims·ln(origContext / (β·2π)) / (2·ln base) for β = betaFast (floored) and betaSlow (ceiled).
 * The pair rotates by θ, scaled by mscale: (x0, x1) → (x0·cos - x1·sin, x0·sin + x1·cos)·mscale. 'normal'
 * pairs are (i0, i0+1), 'neox' pairs (k, k + dims/2). Values past `dims` pass through.
 */
import type { RopeParams } from './llm-kernels.js';

function corrDim(dims: number, origContext: number, beta: number, base: number): number {
  return (dims * Math.log(origContext / (beta * 2 * Math.PI))) / (2 * Math.log(base));
}

/** Where ropeAngles writes pair k's cosine (cosAt + k·stride) and sine (sinAt + k·stride). */
export interface RopeLayout { cosAt: number; sinAt: number; stride: number }

/**
 * cos θ · mscale and sin θ · mscale of every pair at position `pos`, into `out` at `layout` (default:
 * interleaved from 0, out[2k] = cos, out[2k+1] = sin).
 */
export function ropeAngles(p: RopeParams, pos: number, factors: Float32Array | undefined, out: Float32Array | Float64Array,
  layout: RopeLayout = { cosAt: 0, sinAt: 1, stride: 2 }): void {
  const half = p.dims / 2;
  const low = Math.max(0, Math.floor(corrDim(p.dims, p.origContext, p.betaFast, p.freqBase)));
  const high = Math.min(p.dims - 1, Math.ceil(corrDim(p.dims, p.origContext, p.betaSlow, p.freqBase)));
  const { cosAt, sinAt, stride } = layout;
  for (let k = 0; k < half; k++) {
    const extrap = (pos * Math.pow(p.freqBase, (-2 * k) / p.dims)) / (factors ? factors[k]! : 1);
    const interp = p.freqScale * extrap;
    let theta = interp;
    let mscale = p.attnFactor;
    if (p.extFactor !== 0) {
      const y = (k - low) / Math.max(0.001, high - low);
      const mix = (1 - Math.min(1, Math.max(0, y))) * p.extFactor;
      theta = interp * (1 - mix) + extrap * mix;
      mscale *= 1 + 0.1 * Math.log(1 / p.freqScale);
    }
    out[cosAt + k * stride] = Math.cos(theta) * mscale;
    out[sinAt + k * stride] = Math.sin(theta) * mscale;
  }
}

/** A key that changes whenever the angles of positions pos…pos+n-1 would (factorsId names the factors). */
export function ropeKey(p: RopeParams, pos: number, n: number, factorsId: number): string {
  return [p.dims, p.freqBase, p.freqScale, p.extFactor, p.attnFactor, p.betaFast, p.betaSlow, p.origContext, factorsId, pos, n].join(',');
}
