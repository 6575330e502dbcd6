/** Elementwise kernels: unary math and activations, broadcasting binary ops, variadic folds, Where, Clip, Cast. */
import type { DType } from '../../engine/ir/dtype.js';
import type { BroadcastParams, CastParams, ClipParams, DropoutParams, ModParams, BitShiftParams, SwiGLUParams } from '../../engine/ops/elementwise.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Elem } from '../dtypes.js';
import { Unsupported, broadcastStrides, checkRank, count, grid, type GpuKernel, type KernelContext } from '../kernel.js';
import { UniformWriter } from '../uniforms.js';

const isWide = (t: DType) => t === 'int64' || t === 'uint64';
const FLOAT: readonly Elem[] = ['f32', 'f16'];
const SIGNED: readonly Elem[] = ['f32', 'f16', 'i32'];
const ANY: readonly Elem[] = ['f32', 'f16', 'i32', 'u32'];

/** The element of `t`, failing (CPU fallback) outside `allowed` or for 64-bit integers. */
function elemIn(ctx: KernelContext, t: Tensor, allowed: readonly Elem[], wideOk = false): Elem {
  if (!wideOk && isWide(t.type)) throw new Unsupported(`${t.type} arithmetic runs in 32 bits on the GPU`);
  const e = ctx.elemOf(t);
  if (!allowed.includes(e)) throw new Unsupported(`${t.type} input`);
  return e;
}

const tensor = (inputs: readonly (Tensor | undefined)[], i: number): Tensor => {
  const t = inputs[i];
  if (!t) throw new Unsupported(`input ${i} missing`);
  return t;
};

// ---------------------------------------------------------------- unary

interface UnarySpec {
  readonly elems: readonly Elem[];
  /** Output is bool (u32) rather than the input's type. */
  readonly predicate?: boolean;
  /** alpha, beta, gamma uniforms from the op's attributes. */
  readonly attrs?: (p: any) => [number, number?, number?];
  /** The define, when it differs from the op name (Gelu's tanh form). */
  readonly define?: (p: any) => string;
}

/**
 * Ops whose WGSL is componentwise, so a float tensor of 4k elements runs as vec4s (a quarter of the
 * threads, 16-byte loads and stores): the same shader with T = vec4<f32>.
 */
const VEC4_UNARY = new Set(['Abs', 'Neg', 'Relu', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'LeakyRelu']);
const VEC4_BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'AddScale', 'PRelu']);
const vec4Ok = (e: Elem, n: number) => (e === 'f32' || e === 'f16') && n % 4 === 0;

export function unaryDispatch(ctx: KernelContext, op: string, x: Tensor, outType: DType, outElem: Elem, abc: readonly number[] = []): Tensor {
  const y = ctx.output(outType, x.dims);
  const n = count(x.dims);
  const e = ctx.elemOf(x);
  const v4 = VEC4_UNARY.has(op) && outElem === e && vec4Ok(e, n);
  const T = v4 ? `vec4<${e}>` : e;
  const u = new UniformWriter().u32(v4 ? n / 4 : n).f32(abc[0] ?? 0).f32(abc[1] ?? 0).f32(abc[2] ?? 0);
  ctx.dispatch({ shader: 'unary', defines: { T, TY: v4 ? T : outElem, [`OP_${op}`]: true } }, u, [x, y], grid(v4 ? n / 4 : n));
  return y;
}

function unary(op: string, spec: UnarySpec): GpuKernel {
  return (ctx, inputs, p) => {
    const x = tensor(inputs, 0);
    const e = elemIn(ctx, x, spec.elems);
    const outType: DType = spec.predicate ? 'bool' : x.type;
    return [unaryDispatch(ctx, spec.define?.(p) ?? op, x, outType, spec.predicate ? 'u32' : e, spec.attrs?.(p) as number[] | undefined)];
  };
}

const F = { elems: FLOAT };

export const unaryKernels: Record<string, GpuKernel> = {
  Abs: unary('Abs', { elems: ANY }),
  Neg: unary('Neg', { elems: SIGNED }),
  Sign: unary('Sign', { elems: SIGNED }),
  Relu: unary('Relu', { elems: ANY }),
  ...Object.fromEntries(['Exp', 'Log', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan',
    'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Erf', 'Sigmoid', 'Tanh', 'HardSwish', 'Softplus', 'Softsign', 'Mish'].map((o) => [o, unary(o, F)])),
  Not: unary('Not', { elems: ['u32'] }),
  BitwiseNot: unary('BitwiseNot', { elems: ['i32', 'u32'] }),
  IsNaN: unary('IsNaN', { elems: FLOAT, predicate: true }),
  IsInf: unary('IsInf', { elems: FLOAT, predicate: true, attrs: (p) => [p.detect_negative, p.detect_positive] }),
  HardSigmoid: unary('HardSigmoid', { ...F, attrs: (p) => [p.alpha, p.beta] }),
  LeakyRelu: unary('LeakyRelu', { ...F, attrs: (p) => [p.alpha] }),
  Elu: unary('Elu', { ...F, attrs: (p) => [p.alpha] }),
  Selu: unary('Selu', { ...F, attrs: (p) => [p.alpha, 0, p.gamma] }),
  Celu: unary('Celu', { ...F, attrs: (p) => [p.alpha] }),
  Gelu: unary('Gelu', { ...F, define: (p) => (p.approximate === 'tanh' ? 'GeluTanh' : 'Gelu') }),
  Swish: unary('Swish', { ...F, attrs: (p) => [p.alpha] }),
  ThresholdedRelu: unary('ThresholdedRelu', { ...F, attrs: (p) => [p.alpha] }),
  Shrink: unary('Shrink', { elems: ['f32', 'f16'], attrs: (p) => [p.bias, p.lambd] }),
};

// ---------------------------------------------------------------- binary

/** One broadcasting binary dispatch: y[outDims] = op(a, b); `aDims`/`bDims` as the schema resolved them. */
export function binaryDispatch(
  ctx: KernelContext, op: string, a: Tensor, b: Tensor, outDims: readonly number[], aDims: readonly number[], bDims: readonly number[],
  outType: DType, outElem: Elem, scale = 1,
): Tensor {
  checkRank(outDims);
  const y = ctx.output(outType, outDims);
  const n = count(outDims);
  const same = aDims.length === outDims.length && bDims.length === outDims.length
    && aDims.every((d, k) => d === outDims[k]) && bDims.every((d, k) => d === outDims[k]);
  const ea = ctx.elemOf(a);
  const v4 = same && VEC4_BINARY.has(op) && ctx.elemOf(b) === ea && outElem === ea && vec4Ok(ea, n);
  const m = v4 ? n / 4 : n;
  const u = new UniformWriter().u32(m).u32(outDims.length).f32(scale).u32(0)
    .vec4s(outDims, 2).vec4s(broadcastStrides(aDims, outDims), 2).vec4s(broadcastStrides(bDims, outDims), 2);
  const defines = v4 ? { TA: `vec4<${ea}>`, TB: `vec4<${ea}>`, TY: `vec4<${ea}>`, [`OP_${op}`]: true }
    : { TA: ea, TB: ctx.elemOf(b), TY: outElem, [`OP_${op}`]: true, BROADCAST: !same };
  ctx.dispatch({ shader: 'binary', defines }, u, [a, b, y], grid(m));
  return y;
}

type OpPick = (e: Elem, p: any) => string;

function binary(pick: OpPick | string, elems: readonly Elem[], bool = false, wideOk = false): GpuKernel<BroadcastParams> {
  return (ctx, inputs, p) => {
    const a = tensor(inputs, 0);
    const b = tensor(inputs, 1);
    const e = elemIn(ctx, a, elems, wideOk);
    const op = typeof pick === 'string' ? pick : pick(e, p);
    return [binaryDispatch(ctx, op, a, b, p.outDims, p.inDims[0]!, p.inDims[1]!, bool ? 'bool' : a.type, bool ? 'u32' : e)];
  };
}

const NUM: readonly Elem[] = ['f32', 'f16', 'i32', 'u32'];

export const binaryKernels: Record<string, GpuKernel> = {
  Add: binary('Add', NUM),
  Sub: binary('Sub', NUM),
  Mul: binary('Mul', NUM),
  Div: binary('Div', NUM),
  Pow: ((ctx, inputs, p: BroadcastParams) => {
    const a = tensor(inputs, 0);
    const b = tensor(inputs, 1);
    const e = elemIn(ctx, a, FLOAT);
    elemIn(ctx, b, ['f32', 'f16', 'i32']);
    return [binaryDispatch(ctx, 'Pow', a, b, p.outDims, p.inDims[0]!, p.inDims[1]!, a.type, e)];
  }) as GpuKernel,
  Mod: binary((e, p: ModParams) => (p.fmod ? 'Fmod' : e === 'u32' ? 'UMod' : 'Mod'), NUM),
  And: binary('And', ['u32'], true),
  Or: binary('Or', ['u32'], true),
  Xor: binary('Xor', ['u32'], true),
  Equal: binary('Equal', NUM, true, true),
  Less: binary('Less', NUM, true),
  LessOrEqual: binary('LessOrEqual', NUM, true),
  Greater: binary('Greater', NUM, true),
  GreaterOrEqual: binary('GreaterOrEqual', NUM, true),
  BitShift: binary((_e, p: BitShiftParams) => (p.left ? 'ShiftLeft' : 'ShiftRight'), ['u32']),
  BitwiseAnd: binary('BitwiseAnd', ['i32', 'u32']),
  BitwiseOr: binary('BitwiseOr', ['i32', 'u32']),
  BitwiseXor: binary('BitwiseXor', ['i32', 'u32']),
  PRelu: binary('PRelu', FLOAT),
  SwiGLU: ((ctx, inputs, p: SwiGLUParams) => {
    const a = tensor(inputs, 0);
    const e = elemIn(ctx, a, FLOAT);
    return [binaryDispatch(ctx, 'SwiGLU', a, tensor(inputs, 1), p.outDims, p.inDims[0]!, p.inDims[1]!, a.type, e, p.alpha)];
  }) as GpuKernel,
};

/** Max, Min, Sum, Mean over 1…N broadcast inputs: a chain of binary dispatches (one input: the input itself). */
function variadic(op: 'Max' | 'Min' | 'Add', mean = false): GpuKernel<BroadcastParams> {
  return (ctx, inputs, p) => {
    const ts = inputs.map((_, i) => tensor(inputs, i));
    const e = elemIn(ctx, ts[0]!, mean ? FLOAT : NUM);
    if (ts.length === 1) return [ctx.alias(ts[0]!)];
    let acc = ts[0]!;
    let accDims = p.inDims[0]!;
    for (let k = 1; k < ts.length; k++) {
      const last = k === ts.length - 1;
      const next = binaryDispatch(ctx, mean && last ? 'AddScale' : op, acc, ts[k]!, p.outDims, accDims, p.inDims[k]!, ts[0]!.type, e, 1 / ts.length);
      if (k > 1) acc.dispose();
      acc = next;
      accDims = p.outDims;
    }
    return [acc];
  };
}

export const variadicKernels: Record<string, GpuKernel> = {
  Max: variadic('Max'),
  Min: variadic('Min'),
  Sum: variadic('Add'),
  Mean: variadic('Add', true),
};

// ---------------------------------------------------------------- Where, Clip, Cast, Identity, Dropout

const bitsElem = (e: Elem): string => (e === 'f16' ? 'f16' : 'u32');

export const miscKernels: Record<string, GpuKernel> = {
  Where: ((ctx, inputs, p: BroadcastParams) => {
    const [c, x, z] = [0, 1, 2].map((i) => tensor(inputs, i)) as [Tensor, Tensor, Tensor];
    const e = elemIn(ctx, x, ANY, true);
    checkRank(p.outDims);
    const y = ctx.output(x.type, p.outDims);
    const n = count(p.outDims);
    const u = new UniformWriter().u32(n).u32(p.outDims.length).u32(0).u32(0).vec4s(p.outDims, 2);
    for (let k = 0; k < 3; k++) u.vec4s(broadcastStrides(p.inDims[k]!, p.outDims), 2);
    ctx.dispatch({ shader: 'where', defines: { T: bitsElem(e) } }, u, [c, x, z, y], grid(n));
    return [y];
  }) as GpuKernel,

  Clip: ((ctx, inputs, p: ClipParams) => {
    const x = tensor(inputs, 0);
    const e = elemIn(ctx, x, SIGNED.concat(['u32']));
    const lo = inputs[1];
    const hi = inputs[2];
    const y = ctx.output(x.type, x.dims);
    const n = count(x.dims);
    const u = new UniformWriter().u32(n).f32(p.min ?? 0).f32(p.max ?? 0).u32(0);
    const defines = {
      T: e, MIN_INPUT: lo !== undefined, MAX_INPUT: hi !== undefined,
      MIN_UNIFORM: lo === undefined && p.min !== undefined, MAX_UNIFORM: hi === undefined && p.max !== undefined,
    };
    ctx.dispatch({ shader: 'clip', defines }, u, [x, y, ...(lo ? [lo] : []), ...(hi ? [hi] : [])], grid(n));
    return [y];
  }) as GpuKernel,

  Cast: ((ctx, inputs, p: CastParams) => [castTo(ctx, tensor(inputs, 0), p.to)]) as GpuKernel,
  CastLike: ((ctx, inputs, p: CastParams) => [castTo(ctx, tensor(inputs, 0), p.to)]) as GpuKernel,

  Identity: ((ctx, inputs) => [ctx.alias(tensor(inputs, 0))]) as GpuKernel,

  Dropout: ((ctx, inputs, p: DropoutParams) => {
    if (p.training && p.ratio > 0) throw new Unsupported('training-mode Dropout is random');
    const x = tensor(inputs, 0);
    const out = [ctx.alias(x)];
    if (p.withMask) out.push(fill(ctx, p.maskType, x.dims, p.maskType === 'bool' ? 1 : 1));
    return out;
  }) as GpuKernel,
};

/** Types whose values all fit in the target type: the cast is a relabelling of the same GPU memory. */
const WIDENS: Readonly<Record<string, readonly DType[]>> = {
  int8: ['int8', 'int16', 'int32', 'int64'],
  int16: ['int16', 'int32', 'int64'],
  int32: ['int32', 'int64'],
  int64: ['int64', 'int32'],
  uint8: ['uint8', 'uint16', 'uint32', 'uint64'],
  uint16: ['uint16', 'uint32', 'uint64'],
  uint32: ['uint32', 'uint64'],
  uint64: ['uint64', 'uint32'],
  bool: ['bool', 'uint8', 'uint16', 'uint32', 'uint64'],
  float32: ['float32'],
  float16: ['float16'],
};

export function castTo(ctx: KernelContext, x: Tensor, to: DType): Tensor {
  const ei = ctx.elemOf(x);
  const eo = ctx.elem(to);
  if (WIDENS[x.type]?.includes(to)) return ctx.alias(x, x.dims, to);
  if (['int8', 'int16', 'uint8', 'uint16'].includes(to)) throw new Unsupported(`narrowing cast to ${to}`);
  const y = ctx.output(to, x.dims);
  const n = count(x.dims);
  ctx.dispatch({ shader: 'cast', defines: { TI: ei, TO: eo, TO_BOOL: to === 'bool' } }, new UniformWriter().u32(n), [x, y], grid(n));
  return y;
}

/** A tensor of one repeated value (its 32-bit pattern). */
export function fill(ctx: KernelContext, type: DType, dims: readonly number[], value: number): Tensor {
  const e = ctx.elem(type);
  if (e === 'f16') throw new Unsupported('f16 fill');
  const y = ctx.output(type, dims);
  const n = count(dims);
  const bits = new DataView(new ArrayBuffer(4));
  if (e === 'f32') bits.setFloat32(0, value, true);
  else bits.setInt32(0, value, true);
  ctx.dispatch({ shader: 'fill', defines: {} }, new UniformWriter().u32(n).u32(bits.getUint32(0, true)), [y], grid(n));
  return y;
}
