/** Unary elementwise schemas: math functions, predicates and activations. Output shape = input shape. */
import { tensorType } from '../../ir/types.js';
import { attr, defineOp, type AttrSpecs, type OpSchema } from '../schema.js';
import { checkType, type TypeClass } from './common.js';

/** A unary op whose output has the input's type. Kernels receive the resolved attributes. */
function unary<S extends AttrSpecs = Record<never, never>>(cls: TypeClass, since = 1, attrs?: S) {
  return defineOp({ since, attrs: attrs ?? ({} as S), infer: (ctx) => [checkType(ctx, 0, cls)] });
}

/** A unary op producing bool. */
function predicate<S extends AttrSpecs = Record<never, never>>(cls: TypeClass, since: number, attrs?: S) {
  return defineOp({
    since,
    attrs: attrs ?? ({} as S),
    infer: (ctx) => [tensorType('bool', checkType(ctx, 0, cls).shape)],
  });
}

const Gelu = defineOp({
  since: 20,
  attrs: { approximate: attr.string('none') },
  infer: (ctx) => {
    if (ctx.attrs.approximate !== 'none' && ctx.attrs.approximate !== 'tanh') {
      ctx.fail(`approximate must be 'none' or 'tanh', got '${ctx.attrs.approximate}'`);
    }
    return [checkType(ctx, 0, 'float')];
  },
});

export const unaryOps = {
  // math
  Abs: unary('numeric'),
  Neg: unary('numeric'),
  Sign: unary('numeric', 9),
  Exp: unary('float'),
  Log: unary('float'),
  Sqrt: unary('float'),
  Reciprocal: unary('float'),
  Floor: unary('float'),
  Ceil: unary('float'),
  Round: unary('float', 11),
  Sin: unary('float', 7),
  Cos: unary('float', 7),
  Tan: unary('float', 7),
  Asin: unary('float', 7),
  Acos: unary('float', 7),
  Atan: unary('float', 7),
  Sinh: unary('float', 9),
  Cosh: unary('float', 9),
  Asinh: unary('float', 9),
  Acosh: unary('float', 9),
  Atanh: unary('float', 9),
  Erf: unary('float', 9),
  Not: unary('bool'),
  BitwiseNot: unary('integer', 18),
  IsNaN: predicate('float', 9),
  IsInf: predicate('float', 10, { detect_negative: attr.int(1), detect_positive: attr.int(1) }),
  // activations
  Relu: unary('numeric'),
  Sigmoid: unary('float'),
  Tanh: unary('float'),
  HardSigmoid: unary('float', 1, { alpha: attr.float(0.2), beta: attr.float(0.5) }),
  HardSwish: unary('float', 14),
  LeakyRelu: unary('float', 1, { alpha: attr.float(0.01) }),
  Elu: unary('float', 1, { alpha: attr.float(1) }),
  Selu: unary('float', 1, { alpha: attr.float(1.67326319217681884765625), gamma: attr.float(1.05070102214813232421875) }),
  Celu: unary('float', 12, { alpha: attr.float(1) }),
  Softplus: unary('float'),
  Softsign: unary('float'),
  Mish: unary('float', 18),
  Gelu,
  Swish: unary('float', 24, { alpha: attr.float(1) }),
  ThresholdedRelu: unary('float', 10, { alpha: attr.float(1) }),
  Shrink: unary('numeric', 9, { bias: attr.float(0), lambd: attr.float(0.5) }),
} satisfies Record<string, OpSchema<any, any>>;
