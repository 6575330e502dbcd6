/**
 * Causal attention over the KV cache, one query row at a time, exactly as LlmKernels.attention states
 * it: store k, v at their positions, then for each query head softmax(q·k·scale [softcapped]) · v over
 * the positions it may see. Scores and sums are float64; an f16 cache rounds k and v on store.
 */
import { attentionOperands } from '../../engine/llm-checks.js';
import type { LlmAttentionArgs } from '../../engine/llm-kernels.js';
import { numberToFloat16 } from '../../engine/ir/minifloat.js';
import { halfToFloat } from './blocks.js';
import { asAct, asCache } from './handles.js';

export function attention(a: LlmAttentionArgs): void {
  const { c, q, k, v, out } = attentionOperands(a, asAct, asCache);
  const { heads, kvHeads, headDim, n, pos } = a;
  const kvWidth = kvHeads * headDim;
  const kc = c.k[a.layer]!;
  const vc = c.v[a.layer]!;
  if (c.type === 'f16') {
    for (let i = 0; i < n * kvWidth; i++) {
      kc[pos * kvWidth + i] = numberToFloat16(k.data[i]!);
      vc[pos * kvWidth + i] = numberToFloat16(v.data[i]!);
    }
  } else {
    kc.set(k.data.subarray(0, n * kvWidth), pos * kvWidth);
    vc.set(v.data.subarray(0, n * kvWidth), pos * kvWidth);
  }
  const val = c.type === 'f16' ? halfToFloat() : undefined;
  const at = (arr: Float32Array | Uint16Array, i: number): number => (val ? val[arr[i]!]! : arr[i]!);
  const group = heads / kvHeads;
  const scores = new Float64Array(pos + n);
  const acc = new Float64Array(headDim);
  for (let i = 0; i < n; i++) {
    const p = pos + i;
    const first = a.window ? Math.max(0, p - a.window + 1) : 0;
    for (let h = 0; h < heads; h++) {
      const qAt = i * heads * headDim + h * headDim;
      const kvAt = Math.floor(h / group) * headDim;
      let max = -Infinity;
      for (let t = first; t <= p; t++) {
        let s = 0;
        for (let d = 0; d < headDim; d++) s += q.data[qAt + d]! * at(kc, t * kvWidth + kvAt + d);
        s *= a.scale;
        if (a.softcap) s = a.softcap * Math.tanh(s / a.softcap);
        scores[t] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let t = first; t <= p; t++) {
        scores[t] = Math.exp(scores[t]! - max);
        sum += scores[t]!;
      }
      acc.fill(0);
      for (let t = first; t <= p; t++) {
        const w = scores[t]! / sum;
        for (let d = 0; d < headDim; d++) acc[d] = acc[d]! + w * at(vc, t * kvWidth + kvAt + d);
      }
      for (let d = 0; d < headDim; d++) out.data[qAt + d] = acc[d]!;
    }
  }
}
