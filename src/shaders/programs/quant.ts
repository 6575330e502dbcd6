/**
 * Matmul with GGUF block-quantized weights (Q8_0, Q4_0), dequantized inside the kernel: the weights stay
 * in their file layout on the GPU (34 or 18 bytes per 32 values). For the GGUF/LLM runner:
 *
 *   const y = blockQuantMatMul(ctx, x, w);   // x float32 [M, K] (or [..., K]), w q8_0/q4_0 [N, K] → y [..., N]
 */
import type { Tensor } from '../../engine/tensor.js';
import { Unsupported, count, type KernelContext } from '../kernel.js';
import { UniformWriter } from '../uniforms.js';

export const BLOCK_QUANT_TYPES = ['q8_0', 'q4_0'] as const;

export function blockQuantMatMul(ctx: KernelContext, x: Tensor, w: Tensor, bias?: Tensor): Tensor {
  if (w.type !== 'q8_0' && w.type !== 'q4_0') throw new Unsupported(`block-quant matmul takes q8_0 or q4_0 weights, got ${w.type}`);
  if (x.type !== 'float32' || w.dims.length !== 2) throw new Unsupported('x must be float32 and w 2-D');
  const [N, K] = w.dims as [number, number];
  if (K % 32 !== 0 || x.dims[x.dims.length - 1] !== K) throw new Unsupported(`K = ${K} must be a multiple of 32 and match x's last dim`);
  const M = count(x.dims) / K;
  const y = ctx.output('float32', [...x.dims.slice(0, -1), N]);
  const u = new UniformWriter().u32(M).u32(N).u32(K).u32(0);
  const groups: [number, number] = [Math.ceil(N / 64), Math.ceil(M / 4)];
  if (M > 0 && N > 0) ctx.dispatch({ shader: 'qmatmul', defines: { [w.type.toUpperCase()]: true, BIAS: bias !== undefined } }, u, [x, w, y, ...(bias ? [bias] : [])], groups);
  return y;
}
