/** Reference kernels: Attention and FlexAttention. Math in doubles, one rounding per output. */
import type { KernelEnv, RuntimeValue } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import type { AttentionParams, FlexAttentionParams } from '../../engine/ops/attention/sdpa.js';
import { Tensor } from '../../engine/tensor.js';

/**
 * Softmax of one row in place. A row with no finite score (every key masked) becomes all zeros instead
 * of NaN, as the ONNX Attention spec's fully-masked-row guard requires.
 */
export function softmaxRow(row: Float64Array): void {
  let max = -Infinity;
  for (const v of row) if (v > max || Number.isNaN(v)) max = v;
  if (max === -Infinity) {
    row.fill(0);
    return;
  }
  let sum = 0;
  for (let j = 0; j < row.length; j++) {
    row[j] = Math.exp(row[j]! - max);
    sum += row[j]!;
  }
  for (let j = 0; j < row.length; j++) row[j] = row[j]! / sum;
}

export function attention(inputs: readonly (RuntimeValue | undefined)[], p: AttentionParams): RuntimeValue[] {
  const { batch: B, qHeads: Hq, kvHeads: Hkv, qSeq: Sq, kvSeq: Skv, pastSeq: P, headSize: D, vHeadSize: Dv, packed } = p;
  const T = P + Skv;
  const group = Hq / Hkv;
  const q = toNumbers(inputs[0] as Tensor);
  const k = toNumbers(inputs[1] as Tensor);
  const v = toNumbers(inputs[2] as Tensor);
  const maskT = inputs[3] as Tensor | undefined;
  const mask = maskT ? toNumbers(maskT) : undefined;
  const boolMask = maskT?.type === 'bool';
  const pastK = inputs[4] ? toNumbers(inputs[4] as Tensor) : undefined;
  const pastV = inputs[5] ? toNumbers(inputs[5] as Tensor) : undefined;
  const nonpad = inputs[6] ? toNumbers(inputs[6] as Tensor) : undefined;
  if (nonpad?.some((n) => !(n >= 0 && n <= T))) {
    throw new KilnError('E_INPUT_INVALID', `nonpad_kv_seqlen values must lie in [0, ${T}], got [${Array.from(nonpad).join(',')}]`);
  }

  // present_key / present_value: (B, Hkv, T, D|Dv), past first.
  const presentK = new Float64Array(B * Hkv * T * D);
  const presentV = new Float64Array(B * Hkv * T * Dv);
  const fill = (dst: Float64Array, past: Float64Array | undefined, cur: Float64Array, d: number) => {
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < Hkv; h++) {
        const base = (b * Hkv + h) * T * d;
        if (past) dst.set(past.subarray((b * Hkv + h) * P * d, (b * Hkv + h + 1) * P * d), base);
        for (let s = 0; s < Skv; s++) {
          const src = packed ? ((b * Skv + s) * Hkv + h) * d : ((b * Hkv + h) * Skv + s) * d;
          dst.set(cur.subarray(src, src + d), base + (P + s) * d);
        }
      }
    }
  };
  fill(presentK, pastK, k, D);
  fill(presentV, pastV, v, Dv);

  const md = p.maskDims;
  const mStride = md ? [md[1]! * md[2]! * md[3]!, md[2]! * md[3]!, md[3]!] : [0, 0, 0];
  const y = new Float64Array(B * Hq * Sq * Dv);
  const qkOut = p.numOutputs > 3 ? new Float64Array(B * Hq * Sq * T) : undefined;
  const raw = new Float64Array(T);
  const row = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    const offset = pastK ? P : nonpad ? nonpad[b]! - Sq : 0;
    for (let h = 0; h < Hq; h++) {
      const hk = Math.floor(h / group);
      const kBase = (b * Hkv + hk) * T;
      for (let i = 0; i < Sq; i++) {
        const qo = packed ? ((b * Sq + i) * Hq + h) * D : ((b * Hq + h) * Sq + i) * D;
        const mBase = md ? (md[0] === 1 ? 0 : b * mStride[0]!) + (md[1] === 1 ? 0 : h * mStride[1]!) + (md[2] === 1 ? 0 : i * mStride[2]!) : 0;
        for (let j = 0; j < T; j++) {
          let s = 0;
          const ko = (kBase + j) * D;
          for (let d = 0; d < D; d++) s += q[qo + d]! * presentK[ko + d]!;
          s *= p.scale;
          raw[j] = s;
          if (p.softcap > 0) s = p.softcap * Math.tanh(s / p.softcap);
          let bias = 0;
          if (mask) {
            if (j >= md![3]!) bias = -Infinity;
            else {
              const m = mask[mBase + j]!;
              bias = boolMask ? (m ? 0 : -Infinity) : m;
            }
          }
          if (p.isCausal && j > i + offset) bias = -Infinity;
          if (nonpad && j >= nonpad[b]!) bias = -Infinity;
          row[j] = s + bias;
          if (qkOut && p.qkMode < 3) qkOut[((b * Hq + h) * Sq + i) * T + j] = p.qkMode === 0 ? raw[j]! : p.qkMode === 1 ? s : row[j]!;
        }
        softmaxRow(row);
        if (qkOut && p.qkMode === 3) qkOut.set(row, ((b * Hq + h) * Sq + i) * T);
        const yo = packed ? ((b * Sq + i) * Hq + h) * Dv : ((b * Hq + h) * Sq + i) * Dv;
        for (let j = 0; j < T; j++) {
          const w = row[j]!;
          if (w === 0) continue;
          const vo = (kBase + j) * Dv;
          for (let d = 0; d < Dv; d++) y[yo + d] = y[yo + d]! + w * presentV[vo + d]!;
        }
      }
    }
  }
  const yDims = packed ? [B, Sq, Hq * Dv] : [B, Hq, Sq, Dv];
  const outs: RuntimeValue[] = [
    fromNumbers(p.yType, y, yDims),
    fromNumbers(p.kType, presentK, [B, Hkv, T, D]),
    fromNumbers(p.vType, presentV, [B, Hkv, T, Dv]),
  ];
  if (qkOut) outs.push(fromNumbers(p.yType, qkOut, [B, Hq, Sq, T]));
  return outs.slice(0, Math.max(1, p.numOutputs));
}

/** Runs a score_mod / prob_mod subgraph on the whole (B, H, L, S) tensor. */
async function applyMod(env: KernelEnv, g: FlexAttentionParams['scoreMod'], x: Float64Array, p: FlexAttentionParams, name: string): Promise<Float64Array> {
  if (!g) return x;
  const dims = [p.batch, p.qHeads, p.qSeq, p.kvSeq];
  const [out] = await env.runSubgraph(g, [fromNumbers(p.dtype, x, dims)]);
  if (!(out instanceof Tensor) || out.dims.join(',') !== dims.join(',')) {
    throw new KilnError('E_RUNTIME', `${name} must return a tensor of shape [${dims.join(',')}]`);
  }
  return toNumbers(out);
}

export async function flexAttention(inputs: readonly (RuntimeValue | undefined)[], p: FlexAttentionParams, env: KernelEnv): Promise<RuntimeValue[]> {
  const { batch: B, qHeads: Hq, kvHeads: Hkv, qSeq: L, kvSeq: S, headSize: D, vHeadSize: Dv } = p;
  const group = Hq / Hkv;
  const q = toNumbers(inputs[0] as Tensor);
  const k = toNumbers(inputs[1] as Tensor);
  const v = toNumbers(inputs[2] as Tensor);
  let scores: Float64Array = new Float64Array(B * Hq * L * S);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      const kb = (b * Hkv + Math.floor(h / group)) * S;
      for (let i = 0; i < L; i++) {
        const qo = ((b * Hq + h) * L + i) * D;
        for (let j = 0; j < S; j++) {
          let s = 0;
          for (let d = 0; d < D; d++) s += q[qo + d]! * k[(kb + j) * D + d]!;
          scores[((b * Hq + h) * L + i) * S + j] = s * p.scale;
        }
      }
    }
  }
  scores = await applyMod(env, p.scoreMod, scores, p, 'score_mod');
  for (let r = 0; r < B * Hq * L; r++) softmaxRow(scores.subarray(r * S, (r + 1) * S));
  const probs = await applyMod(env, p.probMod, scores, p, 'prob_mod');
  const y = new Float64Array(B * Hq * L * Dv);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      const vb = (b * Hkv + Math.floor(h / group)) * S;
      for (let i = 0; i < L; i++) {
        const r = (b * Hq + h) * L + i;
        for (let j = 0; j < S; j++) {
          const w = probs[r * S + j]!;
          for (let d = 0; d < Dv; d++) y[r * Dv + d] = y[r * Dv + d]! + w * v[(vb + j) * Dv + d]!;
        }
      }
    }
  }
  return [fromNumbers(p.dtype, y, [B, Hq, L, Dv])];
}
