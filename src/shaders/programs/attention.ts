/** ONNX Attention (opset 23) for encoders: no KV cache, one output. Other forms run on the CPU. */
import type { AttentionParams } from '../../engine/ops/attention/sdpa.js';
import type { Tensor } from '../../engine/tensor.js';
import { Unsupported, grid, type GpuKernel } from '../kernel.js';
import { UniformWriter } from '../uniforms.js';

export const attentionKernels: Record<string, GpuKernel> = {
  Attention: ((ctx, inputs, p: AttentionParams) => {
    const [q, k, v, mask] = inputs as [Tensor, Tensor, Tensor, Tensor | undefined];
    if (p.pastSeq > 0 || inputs[4] || inputs[5] || inputs[6]) throw new Unsupported('Attention with a KV cache');
    if (ctx.wants(1) || ctx.wants(2) || ctx.wants(3)) throw new Unsupported('Attention with present_key/value or qk outputs');
    if (p.kvSeq > 2048 || p.headSize > 256) throw new Unsupported('more than 2048 keys or a head size over 256');
    const T = ctx.elemOf(q);
    if (T !== 'f32' && T !== 'f16') throw new Unsupported(`${q.type} attention`);
    const y = ctx.output(p.yType, p.packed ? [p.batch, p.qSeq, p.qHeads * p.vHeadSize] : [p.batch, p.qHeads, p.qSeq, p.vHeadSize]);
    const md = p.maskDims;
    const st = md ? [md[1]! * md[2]! * md[3]!, md[2]! * md[3]!, md[3]!, 1] : [0, 0, 0, 0];
    const ms = md ? md.map((d, i) => (d === 1 && i < 3 ? 0 : st[i]!)) : [0, 0, 0, 0];
    const rows = p.batch * p.qHeads * p.qSeq;
    const u = new UniformWriter().u32(p.batch).u32(p.qHeads).u32(p.kvHeads).u32(p.qSeq).u32(p.kvSeq).u32(p.headSize).u32(p.vHeadSize).u32(rows)
      .f32(p.scale).f32(p.softcap).u32(md ? md[3]! : 0).u32(0).vec4s(ms, 1);
    const defines = {
      T, PACKED: p.packed, CAUSAL: p.isCausal, SOFTCAP: p.softcap > 0,
      MASK_BOOL: mask !== undefined && mask.type === 'bool', MASK_FLOAT: mask !== undefined && mask.type !== 'bool',
    };
    ctx.dispatch({ shader: 'attention', defines }, u, [q, k, v, y, ...(mask ? [mask] : [])], grid(rows, 1));
    return [y];
  }) as GpuKernel,
};
