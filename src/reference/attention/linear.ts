/** Reference kernel: LinearAttention (the recurrent form, one time step at a time). */
import type { RuntimeValue } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import type { LinearAttentionParams } from '../../engine/ops/attention/linear.js';
import type { Tensor } from '../../engine/tensor.js';

export function linearAttention(inputs: readonly (RuntimeValue | undefined)[], p: LinearAttentionParams): RuntimeValue[] {
  const { batch: B, steps: T, qHeads: Hq, kvHeads: Hkv, dk, dv, rule, scale } = p;
  const num = (i: number) => (inputs[i] ? toNumbers(inputs[i] as Tensor) : undefined);
  const q = num(0)!;
  const k = num(1)!;
  const v = num(2)!;
  const state = num(3) ?? new Float64Array(B * Hkv * dk * dv);
  const decay = num(4);
  const beta = num(5);
  const erase = num(6);
  const gating = rule === 'gated' || rule === 'gated_delta';
  const delta = rule === 'delta' || rule === 'gated_delta';
  const group = Hq / Hkv;
  const decayLast = p.decayPerDim ? Hkv * dk : Hkv;
  const betaLast = p.betaShared ? 1 : Hkv;
  const out = new Float64Array(B * T * Hq * dv);
  const vt = new Float64Array(dv);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const bt = b * T + t;
      for (let h = 0; h < Hkv; h++) {
        const S = (b * Hkv + h) * dk * dv; // state[b, h] is (dk, dv), row-major
        const ko = (bt * Hkv + h) * dk;
        const vo = (bt * Hkv + h) * dv;
        if (gating) {
          for (let i = 0; i < dk; i++) {
            const g = Math.exp(decay![bt * decayLast + (p.decayPerDim ? h * dk + i : h)]!);
            for (let m = 0; m < dv; m++) state[S + i * dv + m] = state[S + i * dv + m]! * g;
          }
        }
        for (let m = 0; m < dv; m++) vt[m] = v[vo + m]!;
        if (delta) {
          const bw = beta![bt * betaLast + (p.betaShared ? 0 : h)]!;
          for (let m = 0; m < dv; m++) {
            let r = 0;
            for (let i = 0; i < dk; i++) r += state[S + i * dv + m]! * (erase ? erase[ko + i]! * k[ko + i]! : k[ko + i]!);
            vt[m] = bw * (vt[m]! - r);
          }
        }
        for (let i = 0; i < dk; i++) {
          const ki = k[ko + i]!;
          for (let m = 0; m < dv; m++) state[S + i * dv + m] = state[S + i * dv + m]! + ki * vt[m]!;
        }
        // Query heads of this kv head's group read the updated state.
        for (let hq = h * group; hq < (h + 1) * group; hq++) {
          const qo = (bt * Hq + hq) * dk;
          const oo = (bt * Hq + hq) * dv;
          for (let m = 0; m < dv; m++) {
            let acc = 0;
            for (let i = 0; i < dk; i++) acc += q[qo + i]! * state[S + i * dv + m]!;
            out[oo + m] = scale * acc;
          }
        }
      }
    }
  }
  return [fromNumbers(p.outType, out, [B, T, Hq * dv]), fromNumbers(p.stateType, state, [B, Hkv, dk, dv])];
}
