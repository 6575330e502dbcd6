/**
 * rnn ops: schemas (attributes, shape inference, kernel params) for RNN, GRU and LSTM.
 *
 * Shapes (layout 0): X [seq, batch, input], W [dirs, gates*hidden, input], R [dirs, gates*hidden, hidden],
 * B [dirs, 2*gates*hidden], sequence_lens [batch], initial_h/initial_c [dirs, batch, hidden],
 * P [dirs, 3*hidden] (LSTM peepholes); Y [seq, dirs, batch, hidden], Y_h/Y_c [dirs, batch, hidden].
 * Layout 1 (opset 14+) puts batch first: X [batch, seq, input], initial_* and Y_h/Y_c [batch, dirs, hidden],
 * Y [batch, seq, dirs, hidden].
 */
import type { DType } from '../ir/dtype.js';
import { freshDim, tensorType, type Dim, type TensorType } from '../ir/types.js';
import { attr, defineOp, type OpContext, type OpSchema } from './schema.js';
import { concrete } from './shape-utils.js';

/** An activation function with its alpha/beta resolved. */
export interface RnnActivation {
  readonly name: string; // lower case
  readonly alpha: number;
  readonly beta: number;
}

export type RnnKind = 'RNN' | 'GRU' | 'LSTM';

export interface RnnParams {
  readonly kind: RnnKind;
  readonly dtype: DType;
  readonly seqLength: number;
  readonly batch: number;
  readonly inputSize: number;
  readonly hidden: number;
  /** 1 or 2; per direction index d: reverse when `reverse[d]`. */
  readonly reverse: readonly boolean[];
  readonly layout: 0 | 1;
  /** Activations per direction (RNN: [f], GRU: [f, g], LSTM: [f, g, h]). */
  readonly acts: readonly (readonly RnnActivation[])[];
  /** Clip threshold for activation inputs, or undefined. */
  readonly clip?: number;
  readonly inputForget: boolean;
  readonly linearBeforeReset: boolean;
  readonly numOutputs: number;
}

const GATES: Record<RnnKind, number> = { RNN: 1, GRU: 3, LSTM: 4 };
const DEFAULT_ACTS: Record<RnnKind, string[]> = { RNN: ['Tanh'], GRU: ['Sigmoid', 'Tanh'], LSTM: ['Sigmoid', 'Tanh', 'Tanh'] };

/** Activation functions, with the alpha/beta each one consumes and the ONNX op's defaults. */
const ACTIVATIONS: Record<string, { alpha?: number; beta?: number }> = {
  relu: {}, tanh: {}, sigmoid: {}, softsign: {}, softplus: {},
  affine: { alpha: 1, beta: 0 },
  leakyrelu: { alpha: 0.01 },
  thresholdedrelu: { alpha: 1 },
  scaledtanh: { alpha: 1, beta: 1 },
  hardsigmoid: { alpha: 0.2, beta: 0.5 },
  elu: { alpha: 1 },
};

const FLOATS: ReadonlySet<DType> = new Set<DType>(['float32', 'float64', 'float16', 'bfloat16']);

type RnnAttrs = {
  readonly hidden_size: number | undefined;
  readonly direction: string;
  readonly layout: number;
  readonly activations: readonly string[] | undefined;
  readonly activation_alpha: readonly number[] | undefined;
  readonly activation_beta: readonly number[] | undefined;
  readonly clip: number | undefined;
};

function numDirections(ctx: OpContext<RnnAttrs>): number {
  const d = ctx.attrs.direction;
  if (d === 'forward' || d === 'reverse') return 1;
  if (d === 'bidirectional') return 2;
  return ctx.fail(`direction must be forward, reverse or bidirectional, got '${d}'`);
}

function layoutOf(ctx: OpContext<RnnAttrs>): 0 | 1 {
  if (ctx.opset < 14) return 0;
  const l = ctx.attrs.layout;
  if (l !== 0 && l !== 1) ctx.fail(`layout must be 0 or 1, got ${l}`);
  return l as 0 | 1;
}

function inferRnn(kind: RnnKind, ctx: OpContext<RnnAttrs>): (TensorType | undefined)[] {
  const x = ctx.tensor(0);
  if (!FLOATS.has(x.dtype)) ctx.fail(`input type ${x.dtype} is not supported`, 'E_TYPE_UNSUPPORTED');
  for (const i of [1, 2, 3, 5, 6, 7]) {
    if (ctx.has(i) && ctx.tensor(i).dtype !== x.dtype) ctx.fail(`input ${i} has type ${ctx.tensor(i).dtype}, expected ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
  }
  if (ctx.has(4)) {
    const t = ctx.tensor(4).dtype;
    if (t !== 'int32' && t !== 'int64') ctx.fail(`sequence_lens must be int32, got ${t}`, 'E_TYPE_UNSUPPORTED');
  }
  const dirs = numDirections(ctx);
  const layout = layoutOf(ctx);
  const xs = ctx.shape(0);
  if (xs.length !== 3) ctx.fail(`X must be 3-D, got rank ${xs.length}`, 'E_SHAPE_MISMATCH');
  const [seq, batch] = layout === 0 ? [xs[0]!, xs[1]!] : [xs[1]!, xs[0]!];
  const w = ctx.attrs.hidden_size === undefined ? ctx.shape(1)[1] : undefined;
  const hidden: Dim = ctx.attrs.hidden_size ?? (typeof w === 'number' ? w / GATES[kind] : freshDim());
  const y = layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden];
  const yh = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
  const outs = [tensorType(x.dtype, y), tensorType(x.dtype, yh)];
  if (kind === 'LSTM') outs.push(tensorType(x.dtype, yh));
  return outs.slice(0, Math.max(1, ctx.numOutputs));
}

function resolveActivations(kind: RnnKind, ctx: OpContext<RnnAttrs>, dirs: number): RnnActivation[][] {
  const per = DEFAULT_ACTS[kind].length;
  let names = ctx.attrs.activations ? [...ctx.attrs.activations] : [];
  if (names.length === 0) names = Array.from({ length: dirs }, () => DEFAULT_ACTS[kind]).flat();
  else if (names.length === per && dirs === 2) names = [...names, ...names];
  if (names.length !== per * dirs) ctx.fail(`expected ${per * dirs} activations, got ${names.length}`);
  const alphas = ctx.attrs.activation_alpha ?? [];
  const betas = ctx.attrs.activation_beta ?? [];
  let ai = 0;
  let bi = 0;
  const acts = names.map((n): RnnActivation => {
    const name = n.toLowerCase();
    const spec = ACTIVATIONS[name];
    if (!spec) return ctx.fail(`unsupported activation '${n}'`, 'E_OPSET_UNSUPPORTED');
    const alpha = spec.alpha === undefined ? 0 : ai < alphas.length ? alphas[ai++]! : spec.alpha;
    const beta = spec.beta === undefined ? 0 : bi < betas.length ? betas[bi++]! : spec.beta;
    return { name, alpha, beta };
  });
  return Array.from({ length: dirs }, (_, d) => acts.slice(d * per, (d + 1) * per));
}

function expectShape(ctx: OpContext<unknown>, i: number, name: string, want: readonly number[]): void {
  if (!ctx.has(i)) return;
  const s = concrete(ctx.shape(i));
  if (s.length !== want.length || s.some((d, k) => d !== want[k])) {
    ctx.fail(`${name} has shape [${s.join(',')}], expected [${want.join(',')}]`, 'E_SHAPE_MISMATCH');
  }
}

function paramsRnn(kind: RnnKind, ctx: OpContext<RnnAttrs & { linear_before_reset?: number; input_forget?: number }>): RnnParams {
  const dirs = numDirections(ctx);
  const layout = layoutOf(ctx);
  const xs = concrete(ctx.shape(0));
  if (xs.length !== 3) ctx.fail(`X must be 3-D, got rank ${xs.length}`, 'E_SHAPE_MISMATCH');
  const [seqLength, batch] = layout === 0 ? [xs[0]!, xs[1]!] : [xs[1]!, xs[0]!];
  const inputSize = xs[2]!;
  const g = GATES[kind];
  const ws = concrete(ctx.shape(1));
  const hidden = ctx.attrs.hidden_size ?? (ws[1] ?? 0) / g;
  if (!Number.isInteger(hidden) || hidden <= 0) ctx.fail(`hidden_size must be a positive integer, got ${hidden}`);
  expectShape(ctx, 1, 'W', [dirs, g * hidden, inputSize]);
  expectShape(ctx, 2, 'R', [dirs, g * hidden, hidden]);
  expectShape(ctx, 3, 'B', [dirs, 2 * g * hidden]);
  expectShape(ctx, 4, 'sequence_lens', [batch]);
  const stateShape = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
  expectShape(ctx, 5, 'initial_h', stateShape);
  if (kind === 'LSTM') {
    expectShape(ctx, 6, 'initial_c', stateShape);
    expectShape(ctx, 7, 'P', [dirs, 3 * hidden]);
  }
  const clip = ctx.attrs.clip;
  if (clip !== undefined && !(clip > 0)) ctx.fail(`clip must be positive, got ${clip}`);
  return {
    kind,
    dtype: ctx.tensor(0).dtype,
    seqLength, batch, inputSize, hidden,
    reverse: dirs === 2 ? [false, true] : [ctx.attrs.direction === 'reverse'],
    layout,
    acts: resolveActivations(kind, ctx, dirs),
    clip,
    inputForget: kind === 'LSTM' && (ctx.attrs.input_forget ?? 0) !== 0,
    linearBeforeReset: kind === 'GRU' && (ctx.attrs.linear_before_reset ?? 0) !== 0,
    numOutputs: ctx.numOutputs,
  };
}

const commonAttrs = {
  hidden_size: attr.int(),
  direction: attr.string('forward'),
  layout: attr.int(0),
  activations: attr.strings(),
  activation_alpha: attr.floats(),
  activation_beta: attr.floats(),
  clip: attr.float(),
};

const RNN = defineOp({
  since: 1,
  inputs: [3, 6],
  outputs: [0, 2],
  attrs: commonAttrs,
  infer: (ctx) => inferRnn('RNN', ctx),
  params: (ctx) => paramsRnn('RNN', ctx),
});

const GRU = defineOp({
  since: 1,
  inputs: [3, 6],
  outputs: [0, 2],
  attrs: { ...commonAttrs, linear_before_reset: attr.int(0) },
  infer: (ctx) => inferRnn('GRU', ctx),
  params: (ctx) => paramsRnn('GRU', ctx),
});

const LSTM = defineOp({
  since: 1,
  inputs: [3, 8],
  outputs: [0, 3],
  attrs: { ...commonAttrs, input_forget: attr.int(0) },
  infer: (ctx) => inferRnn('LSTM', ctx),
  params: (ctx) => paramsRnn('LSTM', ctx),
});

export const rnnOps = { RNN, GRU, LSTM } satisfies Record<string, OpSchema<any, any>>;
