/**
 * Scaled dot-product attention schemas: Attention (ai.onnx 23/24) and FlexAttention (ai.onnx.preview 1).
 *
 * Attention takes Q/K/V either 4-D (batch, heads, seq, head_size) or 3-D (batch, seq, heads*head_size,
 * with q_num_heads/kv_num_heads). Outputs: Y (Q's layout), present_key/present_value (4-D, past + new
 * keys along the sequence axis) and the optional qk_matmul_output (batch, q_heads, q_seq, total_kv).
 */
import { dtypeFromOnnx, type DType } from '../../ir/dtype.js';
import type { Graph } from '../../ir/graph.js';
import { tensorType, type Dim, type TensorType } from '../../ir/types.js';
import { attr, defineOp, type OpContext } from '../schema.js';
import { concrete, dimMath } from '../shape-utils.js';

export const ATTN_FLOATS: ReadonlySet<DType> = new Set<DType>(['float32', 'float64', 'float16', 'bfloat16']);

/** Concrete geometry of one Attention call, all 4-D terms. */
export interface AttentionParams {
  readonly batch: number;
  readonly qHeads: number;
  readonly kvHeads: number;
  readonly qSeq: number;
  readonly kvSeq: number;
  readonly pastSeq: number;
  readonly headSize: number;
  readonly vHeadSize: number;
  /** Q/K/V (and Y) are 3-D. */
  readonly packed: boolean;
  readonly scale: number;
  readonly softcap: number;
  readonly isCausal: boolean;
  /** 0: Q·K^T (scaled), 1: after softcap, 2: after softcap and mask, 3: after softmax. */
  readonly qkMode: number;
  /** attn_mask dims left-padded to rank 4 (undefined when absent). */
  readonly maskDims?: readonly number[];
  readonly yType: DType;
  readonly kType: DType;
  readonly vType: DType;
  readonly numOutputs: number;
}

type AttnAttrs = {
  readonly is_causal: number;
  readonly kv_num_heads: number | undefined;
  readonly q_num_heads: number | undefined;
  readonly qk_matmul_output_mode: number;
  readonly scale: number | undefined;
  readonly softcap: number;
  readonly softmax_precision: number | undefined;
};

interface Geometry {
  batch: Dim; qHeads: Dim; kvHeads: Dim; qSeq: Dim; kvSeq: Dim; pastSeq: Dim; headSize: Dim; vHeadSize: Dim; packed: boolean;
}

const div = (a: Dim, b: Dim): Dim => dimMath(a, b, (x, y) => x / y);

function geometry(ctx: OpContext<AttnAttrs>): Geometry {
  const q = ctx.shape(0);
  const k = ctx.shape(1);
  const v = ctx.shape(2);
  if (q.length !== k.length || q.length !== v.length || (q.length !== 3 && q.length !== 4)) {
    ctx.fail(`Q, K and V must all be 3-D or all 4-D, got ranks ${q.length}, ${k.length}, ${v.length}`, 'E_SHAPE_MISMATCH');
  }
  const pastSeq: Dim = ctx.has(4) ? ctx.shape(4)[2] ?? 0 : 0;
  if (q.length === 4) {
    return { batch: q[0]!, qHeads: q[1]!, kvHeads: k[1]!, qSeq: q[2]!, kvSeq: k[2]!, pastSeq, headSize: q[3]!, vHeadSize: v[3]!, packed: false };
  }
  const qh = ctx.attrs.q_num_heads;
  const kvh = ctx.attrs.kv_num_heads;
  if (!qh || !kvh) ctx.fail('3-D inputs need the q_num_heads and kv_num_heads attributes');
  return { batch: q[0]!, qHeads: qh!, kvHeads: kvh!, qSeq: q[1]!, kvSeq: k[1]!, pastSeq, headSize: div(q[2]!, qh!), vHeadSize: div(v[2]!, kvh!), packed: true };
}

function checkTypes(ctx: OpContext<AttnAttrs>): void {
  for (const i of [0, 1, 2]) {
    if (!ATTN_FLOATS.has(ctx.tensor(i).dtype)) ctx.fail(`input ${i} type ${ctx.tensor(i).dtype} is not supported`, 'E_TYPE_UNSUPPORTED');
  }
  if (ctx.tensor(1).dtype !== ctx.tensor(0).dtype) ctx.fail(`K type ${ctx.tensor(1).dtype} differs from Q type ${ctx.tensor(0).dtype}`, 'E_TYPE_UNSUPPORTED');
  if (ctx.has(3)) {
    const m = ctx.tensor(3).dtype;
    if (m !== 'bool' && m !== ctx.tensor(0).dtype) ctx.fail(`attn_mask must be bool or ${ctx.tensor(0).dtype}, got ${m}`, 'E_TYPE_UNSUPPORTED');
  }
  if (ctx.has(4) !== ctx.has(5)) ctx.fail('past_key and past_value must be given together');
  if (ctx.has(4) && ctx.tensor(4).dtype !== ctx.tensor(1).dtype) ctx.fail('past_key type differs from K', 'E_TYPE_UNSUPPORTED');
  if (ctx.has(5) && ctx.tensor(5).dtype !== ctx.tensor(2).dtype) ctx.fail('past_value type differs from V', 'E_TYPE_UNSUPPORTED');
  if (ctx.has(6)) {
    if (ctx.opset < 24) ctx.fail('nonpad_kv_seqlen needs opset 24');
    if (ctx.tensor(6).dtype !== 'int64') ctx.fail(`nonpad_kv_seqlen must be int64, got ${ctx.tensor(6).dtype}`, 'E_TYPE_UNSUPPORTED');
  }
  const sp = ctx.attrs.softmax_precision;
  if (sp !== undefined && !ATTN_FLOATS.has(dtypeFromOnnx(sp) ?? 'string')) ctx.fail(`softmax_precision ${sp} is not a float type`, 'E_TYPE_UNSUPPORTED');
  const mode = ctx.attrs.qk_matmul_output_mode;
  if (!(mode >= 0 && mode <= 3)) ctx.fail(`qk_matmul_output_mode must be 0..3, got ${mode}`);
}

const Attention = defineOp({
  since: 23,
  inputs: [3, 7],
  outputs: [1, 4],
  attrs: {
    is_causal: attr.int(0),
    kv_num_heads: attr.int(),
    q_num_heads: attr.int(),
    qk_matmul_output_mode: attr.int(0),
    scale: attr.float(),
    softcap: attr.float(0),
    softmax_precision: attr.int(),
  },
  infer: (ctx) => {
    checkTypes(ctx);
    const g = geometry(ctx);
    const qt = ctx.tensor(0).dtype;
    const total = dimMath(g.pastSeq, g.kvSeq, (a, b) => a + b);
    const y = g.packed
      ? [g.batch, g.qSeq, dimMath(g.qHeads, g.vHeadSize, (a, b) => a * b)]
      : [g.batch, g.qHeads, g.qSeq, g.vHeadSize];
    const outs: TensorType[] = [
      tensorType(qt, y),
      tensorType(ctx.tensor(1).dtype, [g.batch, g.kvHeads, total, g.headSize]),
      tensorType(ctx.tensor(2).dtype, [g.batch, g.kvHeads, total, g.vHeadSize]),
      tensorType(qt, [g.batch, g.qHeads, g.qSeq, total]),
    ];
    return outs.slice(0, Math.max(1, ctx.numOutputs));
  },
  params: (ctx): AttentionParams => {
    const g = geometry(ctx);
    const q = concrete(ctx.shape(0));
    const k = concrete(ctx.shape(1));
    const v = concrete(ctx.shape(2));
    const n = (d: Dim) => concrete([d])[0]!;
    const [batch, qHeads, kvHeads, qSeq, kvSeq, pastSeq, headSize, vHeadSize] =
      [g.batch, g.qHeads, g.kvHeads, g.qSeq, g.kvSeq, g.pastSeq, g.headSize, g.vHeadSize].map(n) as number[];
    if (!Number.isInteger(headSize) || !Number.isInteger(vHeadSize)) {
      ctx.fail(`hidden sizes ${q[2]} and ${v[2]} must divide by q_num_heads ${qHeads} and kv_num_heads ${kvHeads}`, 'E_SHAPE_MISMATCH');
    }
    if (!(kvHeads! > 0) || qHeads! % kvHeads! !== 0) ctx.fail(`q_num_heads ${qHeads} must be a multiple of kv_num_heads ${kvHeads}`, 'E_SHAPE_MISMATCH');
    const kHead = g.packed ? k[2]! / kvHeads! : k[3]!;
    if (kHead !== headSize) ctx.fail(`K head size ${kHead} differs from Q head size ${headSize}`, 'E_SHAPE_MISMATCH');
    if (k[0] !== batch || v[0] !== batch) ctx.fail('Q, K and V batch sizes differ', 'E_SHAPE_MISMATCH');
    if ((g.packed ? v[1] : v[2]) !== kvSeq || (!g.packed && v[1] !== kvHeads)) ctx.fail('K and V shapes disagree', 'E_SHAPE_MISMATCH');
    const same = (i: number, want: number[], name: string) => {
      if (!ctx.has(i)) return;
      const s = concrete(ctx.shape(i));
      if (s.length !== want.length || s.some((d, j) => d !== want[j])) ctx.fail(`${name} has shape [${s.join(',')}], expected [${want.join(',')}]`, 'E_SHAPE_MISMATCH');
    };
    same(4, [batch!, kvHeads!, pastSeq!, headSize!], 'past_key');
    same(5, [batch!, kvHeads!, pastSeq!, vHeadSize!], 'past_value');
    same(6, [batch!], 'nonpad_kv_seqlen');
    const total = pastSeq! + kvSeq!;
    let maskDims: number[] | undefined;
    if (ctx.has(3)) {
      const m = concrete(ctx.shape(3));
      if (m.length < 1 || m.length > 4) ctx.fail(`attn_mask must have rank 1 to 4, got ${m.length}`, 'E_SHAPE_MISMATCH');
      maskDims = [...Array<number>(4 - m.length).fill(1), ...m];
      const full = [batch!, qHeads!, qSeq!, total];
      for (let i = 0; i < 3; i++) {
        if (maskDims[i] !== 1 && maskDims[i] !== full[i]) ctx.fail(`attn_mask shape [${m.join(',')}] does not broadcast to [${full.join(',')}]`, 'E_SHAPE_MISMATCH');
      }
      if (maskDims[3]! > total) ctx.fail(`attn_mask last dim ${maskDims[3]} exceeds the total sequence length ${total}`, 'E_SHAPE_MISMATCH');
    }
    const scale = ctx.attrs.scale ?? 1 / Math.sqrt(headSize!);
    return {
      batch: batch!, qHeads: qHeads!, kvHeads: kvHeads!, qSeq: qSeq!, kvSeq: kvSeq!, pastSeq: pastSeq!, headSize: headSize!, vHeadSize: vHeadSize!,
      packed: g.packed,
      scale,
      softcap: ctx.attrs.softcap,
      isCausal: ctx.attrs.is_causal !== 0,
      qkMode: ctx.attrs.qk_matmul_output_mode,
      maskDims,
      yType: ctx.tensor(0).dtype,
      kType: ctx.tensor(1).dtype,
      vType: ctx.tensor(2).dtype,
      numOutputs: ctx.numOutputs,
    };
  },
});

export interface FlexAttentionParams {
  readonly batch: number;
  readonly qHeads: number;
  readonly kvHeads: number;
  readonly qSeq: number;
  readonly kvSeq: number;
  readonly headSize: number;
  readonly vHeadSize: number;
  readonly scale: number;
  readonly scoreMod?: Graph;
  readonly probMod?: Graph;
  readonly dtype: DType;
}

const FlexAttention = defineOp({
  domain: 'ai.onnx.preview',
  since: 1,
  inputs: [3, 3],
  attrs: { scale: attr.float(), score_mod: attr.graph(), prob_mod: attr.graph(), softmax_precision: attr.int() },
  infer: (ctx) => {
    const t = ctx.tensor(0).dtype;
    if (!ATTN_FLOATS.has(t)) ctx.fail(`Q type ${t} is not supported`, 'E_TYPE_UNSUPPORTED');
    for (const i of [1, 2]) if (ctx.tensor(i).dtype !== t) ctx.fail(`input ${i} type ${ctx.tensor(i).dtype} differs from Q type ${t}`, 'E_TYPE_UNSUPPORTED');
    const q = ctx.shape(0);
    const v = ctx.shape(2);
    if (q.length !== 4 || ctx.shape(1).length !== 4 || v.length !== 4) ctx.fail('Q, K and V must be 4-D', 'E_SHAPE_MISMATCH');
    return [tensorType(t, [q[0]!, q[1]!, q[2]!, v[3]!])];
  },
  params: (ctx): FlexAttentionParams => {
    const q = concrete(ctx.shape(0));
    const k = concrete(ctx.shape(1));
    const v = concrete(ctx.shape(2));
    if (k[0] !== q[0] || v[0] !== q[0] || v[1] !== k[1] || v[2] !== k[2] || k[3] !== q[3]) {
      ctx.fail(`Q [${q.join(',')}], K [${k.join(',')}] and V [${v.join(',')}] do not fit together`, 'E_SHAPE_MISMATCH');
    }
    if (!(k[1]! > 0) || q[1]! % k[1]! !== 0) ctx.fail(`Q heads ${q[1]} must be a multiple of KV heads ${k[1]}`, 'E_SHAPE_MISMATCH');
    return {
      batch: q[0]!, qHeads: q[1]!, kvHeads: k[1]!, qSeq: q[2]!, kvSeq: k[2]!, headSize: q[3]!, vHeadSize: v[3]!,
      scale: ctx.attrs.scale ?? 1 / Math.sqrt(q[3]!),
      scoreMod: ctx.attrs.score_mod,
      probMod: ctx.attrs.prob_mod,
      dtype: ctx.tensor(0).dtype,
    };
  },
});

export const sdpaOps = { Attention, 'ai.onnx.preview.FlexAttention': FlexAttention };
