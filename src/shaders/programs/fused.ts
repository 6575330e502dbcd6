/**
 * Kiln's fused ops (domain 'kiln', made by the fusion pass): the matmul and conv shaders with their
 * epilogue (bias, residual Z, activation) in the output write, so a Conv→Add→Clip chain is one dispatch.
 */
import type { FusedConvParams, FusedGemmParams, FusedMatMulParams } from '../../engine/ops/fused.js';
import type { LayerNormParams } from '../../engine/ops/norm.js';
import type { Tensor } from '../../engine/tensor.js';
import type { GpuKernel } from '../kernel.js';
import { conv } from './conv.js';
import { unaryKernels } from './elementwise.js';
import { gemm, matmul, type Epilogue } from './matmul.js';
import { normKernels } from './norm.js';

const epilogue = (a: FusedConvParams['activation'], z?: Tensor): Epilogue => ({ act: a.kind, alpha: a.alpha, beta: a.beta, z });

export const fusedKernels: Record<string, GpuKernel> = {
  'kiln.FusedConv': ((ctx, inputs, p: FusedConvParams) => [
    conv(ctx, inputs[0]!, inputs[1]!, inputs[2], p, epilogue(p.activation, p.hasZ ? inputs[3] : undefined)),
  ]) as GpuKernel,
  'kiln.FusedGemm': ((ctx, inputs, p: FusedGemmParams) => [gemm(ctx, inputs[0]!, inputs[1]!, inputs[2], p, epilogue(p.activation))]) as GpuKernel,
  'kiln.FusedMatMul': ((ctx, inputs, p: FusedMatMulParams) => [
    matmul(ctx, inputs[0]!, inputs[1]!, p, { alpha: p.alpha, bias: p.hasBias ? inputs[2] : undefined, epilogue: epilogue(p.activation, p.hasZ ? inputs[3] : undefined) }),
  ]) as GpuKernel,
  'kiln.Gelu': unaryKernels.Gelu!,
  'kiln.LayerNorm': ((ctx, inputs, p: LayerNormParams) => normKernels.LayerNormalization!(ctx, inputs, p).slice(0, 1)) as GpuKernel,
};
