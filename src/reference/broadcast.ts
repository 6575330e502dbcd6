/** Broadcasting helpers for reference kernels. */
import { stridesOf } from '../engine/ops/shape-utils.js';

/**
 * For each output element, the flat index into an input of shape `inDims` broadcast to `outDims`.
 * Returned as an Int32Array (one entry per output element); fine for reference-sized tensors.
 */
export function broadcastIndex(inDims: readonly number[], outDims: readonly number[]): Int32Array {
  const n = outDims.reduce((a, b) => a * b, 1);
  const idx = new Int32Array(n);
  const rank = outDims.length;
  const inStrides = stridesOf(inDims);
  // Effective stride per output axis: 0 where the input is broadcast (missing or size 1).
  const eff = new Array<number>(rank).fill(0);
  for (let i = 0; i < rank; i++) {
    const k = inDims.length - rank + i;
    if (k >= 0 && inDims[k] !== 1) eff[i] = inStrides[k]!;
  }
  const counter = new Array<number>(rank).fill(0);
  let at = 0;
  for (let j = 0; j < n; j++) {
    idx[j] = at;
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]!++;
      at += eff[a]!;
      if (counter[a]! < outDims[a]!) break;
      at -= eff[a]! * outDims[a]!;
      counter[a] = 0;
    }
  }
  return idx;
}
