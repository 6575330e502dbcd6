/** Elementwise float32 ops: binary with broadcasting, unary math and activations, Clip. */
import type { RuntimeValue } from '../../engine/backend.js';
import type { ActivationKind } from '../../engine/ops/fused.js';
import type { BroadcastParams, ClipParams } from '../../engine/ops/elementwise.js';
import { sizeOf, type Tensor } from '../../engine/tensor.js';
import { ACT_CODES, UNARY_CODES } from './activation.js';
import { collapseBroadcast } from './structs.js';
import { isTensorOf, type RunCtx, type WasmOp } from './types.js';

const allF32 = (inputs: readonly (RuntimeValue | undefined)[]) => inputs.length > 0 && inputs.every((v) => isTensorOf(v, 'float32'));

// ---------------------------------------------------------------- binary

const BINARY = { Add: 0, Sub: 1, Mul: 2, Div: 3, Max: 4, Min: 5, PRelu: 6 } as const;

/** y = a op b for broadcast params p (any rank: leading dims beyond 4 are looped here). */
export function runBinary(ctx: RunCtx, code: number, p: BroadcastParams): void {
  const rt = ctx.rt;
  const y = ctx.out(0, 'float32', p.outDims);
  const n = sizeOf(p.outDims);
  if (n === 0) return;
  const a = ctx.in(0).ptr;
  const b = ctx.in(1).ptr;
  let c = collapseBroadcast(p.outDims, p.inDims, 4);
  let outer = 1, lead: number[] = [], leadA: number[] = [], leadB: number[] = [];
  if (!c) {
    // Too many dims that do not merge: loop the leading ones here.
    const k = p.outDims.length - 4;
    lead = p.outDims.slice(0, k) as number[];
    c = collapseBroadcast(p.outDims.slice(k), p.inDims.map((d) => d.slice(Math.max(0, d.length - 4))), 4)!;
    outer = lead.reduce((x, v) => x * v, 1);
    const strides = (d: readonly number[]) => {
      const pd = [...new Array<number>(p.outDims.length - d.length).fill(1), ...d];
      const s = new Array<number>(pd.length).fill(0);
      for (let i = pd.length - 1, acc = 1; i >= 0; i--) { s[i] = pd[i] === 1 ? 0 : acc; acc *= pd[i]!; }
      return s.slice(0, k);
    };
    leadA = strides(p.inDims[0]!);
    leadB = strides(p.inDims[1]!);
  }
  const inner = n / outer;
  const bc = rt.scratch(48);
  rt.i32.set([...c.dims, ...c.strides[0]!, ...c.strides[1]!], bc / 4);
  for (let o = 0; o < outer; o++) {
    let oa = 0, ob = 0;
    for (let d = lead.length - 1, t = o; d >= 0; d--) {
      const k = t % lead[d]!;
      t = Math.floor(t / lead[d]!);
      oa += k * leadA[d]!;
      ob += k * leadB[d]!;
    }
    rt.par('binary_f32', [code, a + oa * 4, b + ob * 4, y + o * inner * 4, bc], inner);
  }
}

const binaryOp = (code: number): WasmOp<BroadcastParams> => ({
  accepts: (inputs) => inputs.length === 2 && allF32(inputs),
  run: (ctx, p) => runBinary(ctx, code, p),
});

// ---------------------------------------------------------------- unary

function runUnary(ctx: RunCtx, code: number, alpha = 0, beta = 0): void {
  const x = ctx.inputs[0] as Tensor;
  const y = ctx.out(0, 'float32', x.dims);
  if (x.size === 0) return;
  ctx.rt.par('unary_f32', [code, ctx.in(0).ptr, y, x.size, alpha, beta], x.size * 8);
}

const unaryOp = (code: number, args: (p: any) => [number, number] = () => [0, 0]): WasmOp => ({
  accepts: (inputs) => inputs.length === 1 && allF32(inputs),
  run: (ctx, p) => runUnary(ctx, code, ...args(p)),
});

const act = (k: ActivationKind) => ACT_CODES[k];

const geluOp: WasmOp<{ approximate: string }> = {
  accepts: (inputs, p) => allF32(inputs) && (p.approximate === 'none' || p.approximate === 'tanh'),
  run: (ctx, p) => runUnary(ctx, p.approximate === 'tanh' ? act('GeluTanh') : act('Gelu')),
};

const clipOp: WasmOp<ClipParams> = {
  accepts: (inputs) => isTensorOf(inputs[0], 'float32') && inputs.slice(1).every((v) => v === undefined || (isTensorOf(v, 'float32') && v.size === 1)),
  run: (ctx, p) => {
    const bound = (i: number, d: number) => (ctx.inputs[i] !== undefined ? Number(ctx.host(i)[0]) : d);
    const lo = ctx.inputs.length > 1 ? bound(1, -Infinity) : p.min ?? -Infinity;
    const hi = ctx.inputs.length > 2 ? bound(2, Infinity) : p.max ?? Infinity;
    runUnary(ctx, act('Clip'), lo, hi);
  },
};

export const elementwiseWasmOps = {
  Add: binaryOp(BINARY.Add),
  Sub: binaryOp(BINARY.Sub),
  Mul: binaryOp(BINARY.Mul),
  Div: binaryOp(BINARY.Div),
  Max: binaryOp(BINARY.Max),
  Min: binaryOp(BINARY.Min),
  PRelu: binaryOp(BINARY.PRelu),
  Relu: unaryOp(act('Relu')),
  Sigmoid: unaryOp(act('Sigmoid')),
  Tanh: unaryOp(act('Tanh')),
  HardSwish: unaryOp(act('HardSwish')),
  HardSigmoid: unaryOp(act('HardSigmoid'), (p: { alpha: number; beta: number }) => [p.alpha, p.beta]),
  LeakyRelu: unaryOp(act('LeakyRelu'), (p: { alpha: number }) => [p.alpha, 0]),
  Swish: unaryOp(act('Silu'), (p: { alpha: number }) => [p.alpha, 0]),
  Gelu: geluOp,
  'kiln.Gelu': geluOp,
  Clip: clipOp,
  Exp: unaryOp(UNARY_CODES.Exp),
  Log: unaryOp(UNARY_CODES.Log),
  Sqrt: unaryOp(UNARY_CODES.Sqrt),
  Abs: unaryOp(UNARY_CODES.Abs),
  Neg: unaryOp(UNARY_CODES.Neg),
  Reciprocal: unaryOp(UNARY_CODES.Reciprocal),
  Erf: unaryOp(UNARY_CODES.Erf),
  Floor: unaryOp(UNARY_CODES.Floor),
  Ceil: unaryOp(UNARY_CODES.Ceil),
  Round: unaryOp(UNARY_CODES.Round),
  Sign: unaryOp(UNARY_CODES.Sign),
  Softsign: unaryOp(UNARY_CODES.Softsign),
  Softplus: unaryOp(UNARY_CODES.Softplus),
  Elu: unaryOp(UNARY_CODES.Elu, (p: { alpha: number }) => [p.alpha, 0]),
} satisfies Record<string, WasmOp>;
