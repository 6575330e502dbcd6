/**
 * RotaryEmbedding (ai.onnx 23): rotates the first `rotary_embedding_dim` features of each head by
 * position-dependent angles. X is (batch, heads, seq, head_size) or (batch, seq, heads*head_size) with
 * num_heads; cos/sin caches are (max_pos, rot/2) indexed by position_ids (batch, seq), or (batch, seq, rot/2).
 */
import type { DType } from '../../ir/dtype.js';
import { attr, defineOp } from '../schema.js';
import { concrete } from '../shape-utils.js';
import { ATTN_FLOATS } from './sdpa.js';

export interface RotaryParams {
  readonly batch: number;
  readonly seq: number;
  readonly heads: number;
  readonly headSize: number;
  readonly rotDim: number;
  /** X is 3-D (batch, seq, heads*head_size). */
  readonly packed: boolean;
  readonly interleaved: boolean;
  /** Rows of the cache when position_ids index it (0 when the cache is per batch and position). */
  readonly maxPos: number;
  readonly dtype: DType;
}

const RotaryEmbedding = defineOp({
  since: 23,
  inputs: [3, 4],
  attrs: { interleaved: attr.int(0), num_heads: attr.int(0), rotary_embedding_dim: attr.int(0) },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!ATTN_FLOATS.has(x.dtype)) ctx.fail(`input type ${x.dtype} is not supported`, 'E_TYPE_UNSUPPORTED');
    for (const i of [1, 2]) if (ctx.tensor(i).dtype !== x.dtype) ctx.fail(`cache type ${ctx.tensor(i).dtype} differs from input type ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (ctx.has(3) && ctx.tensor(3).dtype !== 'int64') ctx.fail(`position_ids must be int64, got ${ctx.tensor(3).dtype}`, 'E_TYPE_UNSUPPORTED');
    return [x];
  },
  params: (ctx): RotaryParams => {
    const x = concrete(ctx.shape(0));
    let batch: number, seq: number, heads: number, headSize: number;
    if (x.length === 4) {
      [batch, heads, seq, headSize] = x as [number, number, number, number];
    } else if (x.length === 3) {
      heads = ctx.attrs.num_heads;
      if (!(heads > 0)) ctx.fail('3-D input needs the num_heads attribute');
      [batch, seq] = x as [number, number];
      headSize = x[2]! / heads;
      if (!Number.isInteger(headSize)) ctx.fail(`hidden size ${x[2]} does not divide by num_heads ${heads}`, 'E_SHAPE_MISMATCH');
    } else {
      return ctx.fail(`input must be 3-D or 4-D, got rank ${x.length}`, 'E_SHAPE_MISMATCH');
    }
    const rotDim = ctx.attrs.rotary_embedding_dim || headSize;
    if (rotDim % 2 !== 0 || rotDim > headSize) ctx.fail(`rotary_embedding_dim ${rotDim} must be even and at most the head size ${headSize}`);
    const cos = concrete(ctx.shape(1));
    const sin = concrete(ctx.shape(2));
    if (cos.length !== sin.length || cos.some((d, i) => d !== sin[i])) ctx.fail('cos_cache and sin_cache shapes differ', 'E_SHAPE_MISMATCH');
    let maxPos = 0;
    if (ctx.has(3)) {
      const p = concrete(ctx.shape(3));
      if (p.length !== 2 || p[0] !== batch || p[1] !== seq) ctx.fail(`position_ids shape [${p.join(',')}] must be [${batch},${seq}]`, 'E_SHAPE_MISMATCH');
      if (cos.length !== 2 || cos[1] !== rotDim / 2) ctx.fail(`cos_cache shape [${cos.join(',')}] must be [max_position, ${rotDim / 2}]`, 'E_SHAPE_MISMATCH');
      maxPos = cos[0]!;
    } else if (cos.length !== 3 || cos[0] !== batch || cos[1] !== seq || cos[2] !== rotDim / 2) {
      ctx.fail(`without position_ids, cos_cache shape [${cos.join(',')}] must be [${batch},${seq},${rotDim / 2}]`, 'E_SHAPE_MISMATCH');
    }
    return { batch, seq, heads, headSize, rotDim, packed: x.length === 3, interleaved: ctx.attrs.interleaved !== 0, maxPos, dtype: ctx.tensor(0).dtype };
  },
});

export const rotaryOps = { RotaryEmbedding };
