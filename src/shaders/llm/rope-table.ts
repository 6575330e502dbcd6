/**
 * RoPE angles on the host, in float64 (src/engine/llm-rope.ts, the formula every backend uses): for
 * token row i (position pos + i) and pair k, cos θ and sin θ times mscale. The positions are on the host
 * anyway, the table is n × dims/2 pairs, and one table serves q and k of every layer of a batch (the last
 * one is kept), so the GPU's sin/cos, loose for large arguments, never enter.
 */
import type { RopeParams } from '../../engine/llm-kernels.js';
import { ropeAngles } from '../../engine/llm-rope.js';

/** [cos, sin] · mscale per (row, pair), as float32 pairs. */
export function ropeTable(p: RopeParams, pos: number, n: number, factors: Float32Array | undefined): Float32Array {
  const half = p.dims / 2;
  const out = new Float32Array(n * half * 2);
  for (let i = 0; i < n; i++) ropeAngles(p, pos + i, factors, out, { cosAt: i * half * 2, sinAt: i * half * 2 + 1, stride: 2 });
  return out;
}
