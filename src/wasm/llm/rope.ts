/**
 * RoPE angles for the wasm kernel (kernels/llm_ops.c rotates with them): for each position the cosines
 * and sines of the dims/2 pair frequencies, times the YaRN magnitude scale, from src/engine/llm-rope.ts
 * (float64, as ggml_rope_ext defines them; the formula every backend uses).
 */
import type { RopeParams } from '../../engine/llm-kernels.js';
import { ropeAngles } from '../../engine/llm-rope.js';

/** Writes rows for positions pos…pos+n-1 into out (row i at i·dims: dims/2 cosines, then dims/2 sines). */
export function ropeTable(p: RopeParams, pos: number, n: number, factors: Float32Array | undefined, out: Float32Array): void {
  const half = p.dims / 2;
  for (let i = 0; i < n; i++) ropeAngles(p, pos + i, factors, out, { cosAt: i * p.dims, sinAt: i * p.dims + half, stride: 1 });
}
