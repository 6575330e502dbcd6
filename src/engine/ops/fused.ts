/**
 * Kiln's fused ops (domain 'kiln', opset 1), made by the fusion pass (passes/fusion.ts). Each is exactly
 * the composition of the ONNX ops it replaces; its schema reuses theirs for inference and params:
 *
 *   FusedConv(X, W, B?, Z?)      act(Conv(X, W, B) + Z)            Conv attributes + activation
 *   FusedGemm(A, B, C?)          act(Gemm(A, B, C))                Gemm attributes + activation
 *   FusedMatMul(A, B, bias?, Z?) act(alpha · MatMul(A, B) + bias + Z), bias 1-D along the last axis
 *   Gelu(X)                      Gelu (opset 20) for models whose opset predates it
 *   LayerNorm(X, scale, bias?)   LayerNormalization (opset 17) for models whose opset predates it
 *
 * `activation` names an ONNX activation ('none', 'Relu', 'Clip', 'Sigmoid', 'Tanh', 'Gelu', 'GeluTanh',
 * 'HardSwish', 'Silu', 'LeakyRelu', 'HardSigmoid'); `activation_params` holds its numbers (Clip: min, max;
 * LeakyRelu: alpha; HardSigmoid: alpha, beta; Silu: alpha).
 */
import type { Dim } from '../ir/types.js';
import { convOps, type ConvParams } from './conv.js';
import { matmulOps, type GemmParams, type MatMulParams } from './matmul.js';
import { normOps } from './norm.js';
import type { LayerNormParams } from './norm/normalize.js';
import { attr, defineOp, type OpContext, type OpSchema } from './schema.js';

export type ActivationKind = 'none' | 'Relu' | 'Clip' | 'Sigmoid' | 'Tanh' | 'Gelu' | 'GeluTanh' | 'HardSwish' | 'Silu' | 'LeakyRelu' | 'HardSigmoid';

export interface Activation {
  readonly kind: ActivationKind;
  readonly alpha: number;
  readonly beta: number;
}

/** Default activation_params per kind. */
const DEFAULTS: Record<ActivationKind, readonly number[]> = {
  none: [], Relu: [], Sigmoid: [], Tanh: [], Gelu: [], GeluTanh: [], HardSwish: [],
  Clip: [-Infinity, Infinity], LeakyRelu: [0.01], HardSigmoid: [0.2, 0.5], Silu: [1],
};

export const ACTIVATION_KINDS = Object.keys(DEFAULTS) as ActivationKind[];

interface ActAttrs { readonly activation: string; readonly activation_params: readonly number[] | undefined }
const actAttrs = { activation: attr.string('none'), activation_params: attr.floats() };

function activationOf(ctx: OpContext<ActAttrs>): Activation {
  const kind = ctx.attrs.activation as ActivationKind;
  const def = DEFAULTS[kind];
  if (!def) ctx.fail(`unknown activation '${ctx.attrs.activation}'`);
  const p = ctx.attrs.activation_params ?? [];
  if (p.length > def.length) ctx.fail(`activation ${kind} takes ${def.length} parameters, got ${p.length}`);
  const v = def.map((d, i) => p[i] ?? d);
  return { kind, alpha: v[0] ?? 0, beta: v[1] ?? 0 };
}

/** Z (the residual) must have the output's type and shape. */
function checkZ(ctx: OpContext<unknown>, z: number, out: readonly Dim[] | undefined, dtype: string): void {
  if (!ctx.has(z)) return;
  const t = ctx.tensor(z);
  if (t.dtype !== dtype) ctx.fail(`Z is ${t.dtype}, the output is ${dtype}`, 'E_TYPE_UNSUPPORTED');
  if (t.shape && out && (t.shape.length !== out.length || t.shape.some((d, i) => typeof d === 'number' && typeof out[i] === 'number' && d !== out[i]))) {
    ctx.fail(`Z [${t.shape.join(',')}] must have the output's shape [${out.join(',')}]`, 'E_SHAPE_MISMATCH');
  }
}

export interface FusedConvParams extends ConvParams {
  readonly activation: Activation;
  readonly hasZ: boolean;
}

const conv = convOps.Conv as unknown as OpSchema<unknown, ConvParams>;
const FusedConv = defineOp({
  domain: 'kiln',
  attrs: { ...convOps.Conv.attrs, ...actAttrs } as typeof convOps.Conv.attrs & typeof actAttrs,
  inputs: [2, 4],
  infer: (ctx) => {
    const out = conv.infer(ctx);
    const t = out[0];
    if (t?.kind === 'tensor') checkZ(ctx, 3, t.shape, t.dtype);
    activationOf(ctx as OpContext<ActAttrs>);
    return out;
  },
  params: (ctx): FusedConvParams => ({ ...conv.params(ctx), activation: activationOf(ctx as OpContext<ActAttrs>), hasZ: ctx.has(3) }),
});

export interface FusedGemmParams extends GemmParams {
  readonly activation: Activation;
}

const gemm = matmulOps.Gemm as unknown as OpSchema<unknown, GemmParams>;
const FusedGemm = defineOp({
  domain: 'kiln',
  attrs: { ...matmulOps.Gemm.attrs, ...actAttrs } as typeof matmulOps.Gemm.attrs & typeof actAttrs,
  inputs: [2, 3],
  infer: (ctx) => {
    activationOf(ctx as OpContext<ActAttrs>);
    return gemm.infer(ctx);
  },
  params: (ctx): FusedGemmParams => ({ ...gemm.params(ctx), activation: activationOf(ctx as OpContext<ActAttrs>) }),
});

export interface FusedMatMulParams extends MatMulParams {
  readonly activation: Activation;
  /** Multiplies A·B before the bias is added. */
  readonly alpha: number;
  readonly hasBias: boolean;
  readonly hasZ: boolean;
}

const matmul = matmulOps.MatMul as unknown as OpSchema<unknown, MatMulParams>;
const FusedMatMul = defineOp({
  domain: 'kiln',
  attrs: { ...actAttrs, alpha: attr.float(1) },
  inputs: [2, 4],
  infer: (ctx) => {
    const out = matmul.infer(ctx);
    const t = out[0];
    if (t?.kind !== 'tensor') return out;
    if (t.dtype !== 'float32' && t.dtype !== 'float64' && t.dtype !== 'float16' && t.dtype !== 'bfloat16') ctx.fail(`takes float inputs, got ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (ctx.has(2)) {
      const b = ctx.tensor(2);
      const n = t.shape?.[t.shape.length - 1];
      if (b.dtype !== t.dtype) ctx.fail(`bias is ${b.dtype}, the output is ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
      if (b.shape && (b.shape.length !== 1 || (typeof n === 'number' && typeof b.shape[0] === 'number' && b.shape[0] !== n))) {
        ctx.fail(`bias must be 1-D of the output's last dim ${n}, got [${b.shape.join(',')}]`, 'E_SHAPE_MISMATCH');
      }
    }
    checkZ(ctx, 3, t.shape, t.dtype);
    activationOf(ctx as OpContext<ActAttrs>);
    return out;
  },
  params: (ctx): FusedMatMulParams => ({
    ...matmul.params(ctx), activation: activationOf(ctx as OpContext<ActAttrs>), alpha: ctx.attrs.alpha,
    hasBias: ctx.has(2), hasZ: ctx.has(3),
  }),
});

const Gelu = defineOp({
  domain: 'kiln',
  attrs: { approximate: attr.string('none') },
  infer: (ctx) => {
    if (ctx.attrs.approximate !== 'none' && ctx.attrs.approximate !== 'tanh') ctx.fail(`approximate must be 'none' or 'tanh', got '${ctx.attrs.approximate}'`);
    const t = ctx.tensor(0);
    if (t.dtype !== 'float32' && t.dtype !== 'float64' && t.dtype !== 'float16' && t.dtype !== 'bfloat16') ctx.fail(`takes a float tensor, got ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
    return [t];
  },
});

const layerNorm = normOps.LayerNormalization as unknown as OpSchema<unknown, LayerNormParams>;
const LayerNorm = defineOp({
  domain: 'kiln',
  attrs: { axis: attr.int(-1), epsilon: attr.float(1e-5), stash_type: attr.int(1) },
  inputs: [2, 3],
  infer: (ctx) => layerNorm.infer(ctx).slice(0, 1),
  params: (ctx): LayerNormParams => layerNorm.params(ctx),
});

export const fusedOps = {
  'kiln.FusedConv': FusedConv,
  'kiln.FusedGemm': FusedGemm,
  'kiln.FusedMatMul': FusedMatMul,
  'kiln.Gelu': Gelu,
  'kiln.LayerNorm': LayerNorm,
} satisfies Record<string, OpSchema<any, any>>;
