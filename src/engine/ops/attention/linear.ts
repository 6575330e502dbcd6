/**
 * LinearAttention (ai.onnx 27): a recurrent state S (batch, kv_heads, d_k, d_v) updated per time step by
 * one of four rules, read by the queries:
 *   linear:      S += k v^T
 *   gated:       S = exp(g) * S; S += k v^T
 *   delta:       v' = beta (v - S^T k); S += k v'^T
 *   gated_delta: S = exp(g) * S; v' = beta (v - S^T k); S += k v'^T     (default)
 *   o = scale * q^T S   (query head h reads kv head h / (q_heads / kv_heads))
 * Inputs: query/key/value (batch, T, heads*d), past_state, decay (batch, T, kv_heads[*d_k]),
 * beta (batch, T, kv_heads or 1), erase_gate (batch, T, kv_heads*d_k; delta rules only: the retrieval
 * S^T k uses erase_gate * k instead of k).
 */
import type { DType } from '../../ir/dtype.js';
import { tensorType, type Dim } from '../../ir/types.js';
import { attr, defineOp } from '../schema.js';
import { concrete, dimMath } from '../shape-utils.js';
import { ATTN_FLOATS } from './sdpa.js';

export type LinearUpdateRule = 'linear' | 'gated' | 'delta' | 'gated_delta';

export interface LinearAttentionParams {
  readonly batch: number;
  readonly steps: number;
  readonly qHeads: number;
  readonly kvHeads: number;
  readonly dk: number;
  readonly dv: number;
  readonly rule: LinearUpdateRule;
  readonly scale: number;
  /** Decay values per (batch, step): kv_heads (per head) or kv_heads*d_k (per key dim). */
  readonly decayPerDim: boolean;
  /** Beta values per (batch, step): kv_heads, or 1 shared. */
  readonly betaShared: boolean;
  readonly outType: DType;
  readonly stateType: DType;
}

const RULES: readonly string[] = ['linear', 'gated', 'delta', 'gated_delta'];

const LinearAttention = defineOp({
  since: 27,
  inputs: [3, 7],
  outputs: [1, 2],
  attrs: {
    chunk_size: attr.int(0),
    kv_num_heads: attr.required.int(),
    q_num_heads: attr.required.int(),
    scale: attr.float(0),
    update_rule: attr.string('gated_delta'),
  },
  infer: (ctx) => {
    const q = ctx.tensor(0);
    if (!ATTN_FLOATS.has(q.dtype)) ctx.fail(`query type ${q.dtype} is not supported`, 'E_TYPE_UNSUPPORTED');
    for (const i of [1, 2, 4, 5, 6]) {
      if (ctx.has(i) && ctx.tensor(i).dtype !== q.dtype) ctx.fail(`input ${i} type ${ctx.tensor(i).dtype} differs from query type ${q.dtype}`, 'E_TYPE_UNSUPPORTED');
    }
    if (ctx.has(3) && !ATTN_FLOATS.has(ctx.tensor(3).dtype)) ctx.fail(`past_state type ${ctx.tensor(3).dtype} is not supported`, 'E_TYPE_UNSUPPORTED');
    const { q_num_heads: qh, kv_num_heads: kvh } = ctx.attrs;
    const qs = ctx.shape(0);
    const vs = ctx.shape(2);
    if (qs.length !== 3 || ctx.shape(1).length !== 3 || vs.length !== 3) ctx.fail('query, key and value must be 3-D', 'E_SHAPE_MISMATCH');
    const dk: Dim = dimMath(qs[2]!, qh, (a, b) => a / b);
    const dv: Dim = dimMath(vs[2]!, kvh, (a, b) => a / b);
    const out = [
      tensorType(q.dtype, [qs[0]!, qs[1]!, dimMath(dv, qh, (a, b) => a * b)]),
      tensorType(ctx.has(3) ? ctx.tensor(3).dtype : q.dtype, [qs[0]!, kvh, dk, dv]),
    ];
    return out.slice(0, Math.max(1, ctx.numOutputs));
  },
  params: (ctx): LinearAttentionParams => {
    const { q_num_heads: qh, kv_num_heads: kvh } = ctx.attrs;
    const rule = ctx.attrs.update_rule;
    if (!RULES.includes(rule)) ctx.fail(`update_rule must be one of ${RULES.join(', ')}, got '${rule}'`);
    if (!(qh > 0 && kvh > 0) || qh % kvh !== 0) ctx.fail(`q_num_heads ${qh} must be a positive multiple of kv_num_heads ${kvh}`);
    const q = concrete(ctx.shape(0));
    const k = concrete(ctx.shape(1));
    const v = concrete(ctx.shape(2));
    const [batch, steps] = q as [number, number];
    const dk = q[2]! / qh;
    const dv = v[2]! / kvh;
    if (!Number.isInteger(dk) || !Number.isInteger(dv)) ctx.fail('query/value hidden sizes must divide by their head counts', 'E_SHAPE_MISMATCH');
    for (const [name, s, last] of [['key', k, kvh * dk], ['value', v, kvh * dv]] as const) {
      if (s[0] !== batch || s[1] !== steps || s[2] !== last) ctx.fail(`${name} shape [${s.join(',')}] must be [${batch},${steps},${last}]`, 'E_SHAPE_MISMATCH');
    }
    const gating = rule === 'gated' || rule === 'gated_delta';
    const delta = rule === 'delta' || rule === 'gated_delta';
    if (gating !== ctx.has(4)) ctx.fail(`update_rule '${rule}' ${gating ? 'requires' : 'forbids'} the decay input`);
    if (delta !== ctx.has(5)) ctx.fail(`update_rule '${rule}' ${delta ? 'requires' : 'forbids'} the beta input`);
    if (ctx.has(6) && !delta) ctx.fail(`update_rule '${rule}' forbids the erase_gate input`);
    const lastOf = (i: number, allowed: number[], name: string): number => {
      const s = concrete(ctx.shape(i));
      if (s.length !== 3 || s[0] !== batch || s[1] !== steps || !allowed.includes(s[2]!)) {
        ctx.fail(`${name} shape [${s.join(',')}] must be [${batch},${steps},${allowed.join(' or ')}]`, 'E_SHAPE_MISMATCH');
      }
      return s[2]!;
    };
    const decayLast = gating ? lastOf(4, [kvh, kvh * dk], 'decay') : kvh;
    const betaLast = delta ? lastOf(5, [kvh, 1], 'beta') : kvh;
    if (ctx.has(6)) lastOf(6, [kvh * dk], 'erase_gate');
    if (ctx.has(3)) {
      const p = concrete(ctx.shape(3));
      const want = [batch, kvh, dk, dv];
      if (p.length !== 4 || p.some((d, i) => d !== want[i])) ctx.fail(`past_state shape [${p.join(',')}] must be [${want.join(',')}]`, 'E_SHAPE_MISMATCH');
    }
    return {
      batch, steps, qHeads: qh, kvHeads: kvh, dk, dv,
      rule: rule as LinearUpdateRule,
      scale: ctx.attrs.scale || 1 / Math.sqrt(dk),
      // kv_heads == kv_heads*d_k only when d_k is 1, where both readings agree.
      decayPerDim: decayLast !== kvh,
      betaShared: betaLast === 1 && kvh !== 1,
      outType: ctx.tensor(0).dtype,
      stateType: ctx.has(3) ? ctx.tensor(3).dtype : ctx.tensor(0).dtype,
    };
  },
});

export const linearAttentionOps = { LinearAttention };
