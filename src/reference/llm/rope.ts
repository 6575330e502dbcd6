/**
 * Rotary position embedding on the reference kernels: the angles come from src/engine/llm-rope.ts
 * (ggml_rope_ext's formula, YaRN included, spelled out there); this rotates one head with them. 'normal'
 * pairs are (i0, i0+1), 'neox' pairs (k, k + dims/2); values past `dims` pass through.
 */
import type { RopeParams } from '../../engine/llm-kernels.js';

/** Rotates one head of `headDim` values at `at` in x. */
export function rotateHead(x: Float32Array, at: number, mode: RopeParams['mode'], dims: number, cs: Float64Array): void {
  const half = dims / 2;
  for (let k = 0; k < half; k++) {
    const a = mode === 'normal' ? at + 2 * k : at + k;
    const b = mode === 'normal' ? a + 1 : a + half;
    const x0 = x[a]!;
    const x1 = x[b]!;
    const c = cs[2 * k]!;
    const s = cs[2 * k + 1]!;
    x[a] = x0 * c - x1 * s;
    x[b] = x0 * s + x1 * c;
  }
}
