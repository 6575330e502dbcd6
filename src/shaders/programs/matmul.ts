/** MatMul and Gemm on the tiled matmul shader (32×32 tiles, batch dims broadcast through strides). */
import type { GemmParams, MatMulParams } from '../../engine/ops/matmul.js';
import type { Tensor } from '../../engine/tensor.js';
import { Unsupported, broadcastStrides, count, type GpuKernel, type KernelContext } from '../kernel.js';
import { UniformWriter } from '../uniforms.js';

const TILE = 32;
/** Matrix-vector products with at most this many columns and at least this K split K (matvec-splitk.wgsl). */
const SPLIT_K_MAX_N = 128;
const SPLIT_K_MIN_K = 256;

/** What a fused op does to each output before writing it: add Z (a residual), then an activation. */
export interface Epilogue {
  /** An ActivationKind of kiln's fused ops ('none', 'Relu', 'Clip', …). */
  readonly act?: string;
  readonly alpha?: number;
  readonly beta?: number;
  readonly z?: Tensor;
}

/** Defines and uniform values of an epilogue. */
export function epilogueDefines(ep: Epilogue | undefined): Record<string, boolean> {
  return { RESIDUAL: ep?.z !== undefined, ...(ep?.act && ep.act !== 'none' ? { [`ACT_${ep.act}`]: true } : {}) };
}

function floatElem(ctx: KernelContext, t: Tensor): string {
  const e = ctx.elemOf(t);
  if (e !== 'f32' && e !== 'f16') throw new Unsupported(`matmul on ${t.type}`);
  return e;
}

interface MatmulCall {
  readonly M: number; readonly N: number; readonly K: number;
  readonly outBatch: readonly number[];
  readonly aBatchStrides: readonly number[];
  readonly bBatchStrides: readonly number[];
  readonly transA?: boolean; readonly transB?: boolean;
  readonly alpha?: number; readonly beta?: number;
  /** C (Gemm) or a bias, with its strides along m and n (0 where it broadcasts). */
  readonly bias?: { readonly t: Tensor; readonly strideM: number; readonly strideN: number };
  readonly epilogue?: Epilogue;
}

/** y = alpha·A·B (+ beta·bias) as one dispatch; returns nothing (writes `y`). */
export function matmulInto(ctx: KernelContext, a: Tensor, b: Tensor, y: Tensor, c: MatmulCall): void {
  if (c.outBatch.length > 4) throw new Unsupported(`matmul with ${c.outBatch.length} batch dims`);
  const batch = count(c.outBatch);
  const ep = c.epilogue ?? {};
  const u = new UniformWriter().u32(c.M).u32(c.N).u32(c.K).u32(c.outBatch.length)
    .f32(c.alpha ?? 1).f32(c.beta ?? 1).f32(ep.alpha ?? 0).f32(ep.beta ?? 0)
    .u32(c.bias?.strideM ?? 0).u32(c.bias?.strideN ?? 0).u32(0).u32(0)
    .vec4s(c.outBatch, 1, 1).vec4s(c.aBatchStrides, 1).vec4s(c.bBatchStrides, 1);
  const defines = {
    T: floatElem(ctx, a), TRANS_A: c.transA ?? false, TRANS_B: c.transB ?? false, BIAS: c.bias !== undefined, ...epilogueDefines(ep),
  };
  if (c.M === 0 || c.N === 0) return; // K = 0 still dispatches: the output is beta·C, or 0
  // A few rows (a matrix-vector product): the matvec shader, 256 columns per workgroup; with few columns and
  // a long K, split K instead (64 threads per 4 columns, partial sums added with subgroupAdd where the
  // device has subgroups).
  const vec = c.M <= 4 && !c.transA;
  const splitK = vec && c.N <= SPLIT_K_MAX_N && c.K >= SPLIT_K_MIN_K;
  const groups: [number, number, number] = splitK ? [Math.ceil(c.N / 4), 1, batch] : vec ? [Math.ceil(c.N / 256), 1, batch] : [Math.ceil(c.N / TILE), Math.ceil(c.M / TILE), batch];
  if (batch > 65535) throw new Unsupported(`${batch} matrices in one batch`);
  const shader = splitK ? 'matvec-splitk' : vec ? 'matvec' : 'matmul';
  ctx.dispatch({ shader, defines: splitK ? { ...defines, SUBGROUPS: ctx.caps.features.subgroups } : defines }, u, [a, b, y, ...(c.bias ? [c.bias.t] : []), ...(ep.z ? [ep.z] : [])], groups);
}

/** MatMul (numpy batching), with FusedMatMul's alpha, bias along the last axis and epilogue. */
export function matmul(ctx: KernelContext, a: Tensor, b: Tensor, p: MatMulParams, extra: { alpha?: number; bias?: Tensor; epilogue?: Epilogue } = {}): Tensor {
  floatElem(ctx, a);
  const y = ctx.output(p.outType, p.outDims);
  // Operand batch strides: 0 on broadcast batch dims.
  const aStr = broadcastStrides(p.aBatch, p.outBatch).map((s) => s * p.M * p.K);
  const bStr = broadcastStrides(p.bBatch, p.outBatch).map((s) => s * p.K * p.N);
  matmulInto(ctx, a, b, y, {
    M: p.M, N: p.N, K: p.K, outBatch: p.outBatch, aBatchStrides: aStr, bBatchStrides: bStr, alpha: extra.alpha,
    bias: extra.bias ? { t: extra.bias, strideM: 0, strideN: 1 } : undefined, epilogue: extra.epilogue,
  });
  return y;
}

/** Gemm, with FusedGemm's epilogue. */
export function gemm(ctx: KernelContext, a: Tensor, b: Tensor, c: Tensor | undefined, p: GemmParams, epilogue?: Epilogue): Tensor {
  floatElem(ctx, a);
  const y = ctx.output(a.type, [p.M, p.N]);
  let bias: MatmulCall['bias'];
  if (c && p.beta !== 0 && p.cDims) {
    const st = broadcastStrides(p.cDims, [p.M, p.N]);
    bias = { t: c, strideM: st[0]!, strideN: st[1]! };
  }
  matmulInto(ctx, a, b, y, {
    M: p.M, N: p.N, K: p.K, outBatch: [], aBatchStrides: [], bBatchStrides: [], transA: p.transA, transB: p.transB,
    alpha: p.alpha, beta: p.beta, bias, epilogue,
  });
  return y;
}

export const matmulKernels: Record<string, GpuKernel> = {
  MatMul: ((ctx, inputs, p: MatMulParams) => [matmul(ctx, inputs[0]!, inputs[1]!, p)]) as GpuKernel,
  Gemm: ((ctx, inputs, p: GemmParams) => [gemm(ctx, inputs[0]!, inputs[1]!, inputs[2], p)]) as GpuKernel,
};

