/** Activation codes shared with the C kernels (vmath.h) and unary op codes (unary.c). */
import type { Activation, ActivationKind } from '../../engine/ops/fused.js';

export type { Activation };

export const ACT_CODES: Record<ActivationKind, number> = {
  none: 0, Relu: 1, Clip: 2, Sigmoid: 3, Tanh: 4, Gelu: 5, GeluTanh: 6, HardSwish: 7, Silu: 8, LeakyRelu: 9, HardSigmoid: 10,
};

/** Codes of unary.c beyond the activations. */
export const UNARY_CODES = {
  Exp: 16, Log: 17, Sqrt: 18, Abs: 19, Neg: 20, Reciprocal: 21, Erf: 22, Floor: 23, Ceil: 24, Round: 25,
  Sign: 26, Softsign: 27, Softplus: 28, Elu: 29,
} as const;

export const NO_ACTIVATION: Activation = { kind: 'none', alpha: 0, beta: 0 };
