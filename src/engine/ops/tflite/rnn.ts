/**
 * TFLite recurrent ops: LSTM (one step, 24 inputs: weights, peepholes, biases, projection, state, layer
 * norms), UNIDIRECTIONAL_SEQUENCE_LSTM (same inputs over a sequence), SVDF, RNN,
 * UNIDIRECTIONAL_SEQUENCE_RNN, computed in float. Integer weights with float activations ("hybrid"
 * models) are dequantized per tensor or per channel. Fully integer models (int8/int16 activations) are
 * run the same way — every input dequantized, the float recurrence, the output requantized — which
 * approximates TFLite's 8x8_16 fixed-point kernels but is not bit-exact with them. State tensors start
 * from their initial values (zero, or the zero point for int8) on every run.
 */
import { tensorType } from '../../ir/types.js';
import { attr, type OpContext } from '../schema.js';
import { concrete } from '../shape-utils.js';
import type { DType } from '../../ir/dtype.js';
import { quantAttrs, quantOf, scalarQuant, tfl } from './common.js';

/** Per input index: the dequantization of an integer weight tensor (empty for float tensors). */
export type Dequant = readonly ({ readonly scale: readonly number[]; readonly zp: readonly number[]; readonly inner: number } | undefined)[];

function dequantTable(ctx: OpContext<any>, n: number): Dequant {
  return Array.from({ length: n }, (_, i) => {
    if (!ctx.has(i)) return undefined;
    const t = ctx.tensor(i);
    if (t.dtype === 'float32' || t.dtype === 'float16') return undefined;
    const q = quantOf(ctx.attrs, `in${i}`);
    if (!q) return undefined;
    const dims = concrete(t.shape ?? []);
    const inner = q.scale.length > 1 && q.axis !== undefined ? dims.slice(q.axis + 1).reduce((a, b) => a * b, 1) : 1;
    return { scale: q.scale, zp: q.zp, inner };
  });
}

/** Requantization of an integer recurrent op's output (float ops: none). */
export interface OutQuant { readonly outType: DType; readonly outScale: number; readonly outZp: number }
function outQuant(ctx: OpContext<any>, op: string): OutQuant {
  const t = ctx.tensor(0).dtype;
  if (t === 'float32') return { outType: t, outScale: 0, outZp: 0 };
  const q = scalarQuant(ctx.attrs, 'out0');
  if (!q || (t !== 'int8' && t !== 'int16' && t !== 'uint8')) return ctx.fail(`${op} with ${t} activations needs quantized int8/int16 tensors`, 'E_TYPE_UNSUPPORTED');
  return { outType: t, outScale: q.scale, outZp: q.zp };
}

export interface LstmParams extends OutQuant {
  readonly sequence: boolean; readonly timeMajor: boolean;
  readonly batch: number; readonly steps: number; readonly inputSize: number; readonly cells: number; readonly outputSize: number;
  readonly act: number; readonly cellClip: number; readonly projClip: number;
  readonly dequant: Dequant;
}

const lstmAttrs = {
  fused_activation_function: attr.int(4), cell_clip: attr.float(0), proj_clip: attr.float(0), time_major: attr.int(0), kernel_type: attr.int(0),
  ...quantAttrs('out0', ...Array.from({ length: 24 }, (_, i) => `in${i}`)),
};

function lstmDims(ctx: OpContext<any>, sequence: boolean) {
  const x = concrete(ctx.shape(0));
  const tm = sequence && !!ctx.attrs.time_major;
  const [batch, steps] = !sequence ? [x[0]!, 1] : tm ? [x[1]!, x[0]!] : [x[0]!, x[1]!];
  const cells = concrete(ctx.shape(4))[0]!;
  const outputSize = ctx.has(16) ? concrete(ctx.shape(16))[0]! : cells;
  return { x, tm, batch, steps, inputSize: x[x.length - 1]!, cells, outputSize };
}

const lstm = (sequence: boolean) => tfl({
  attrs: lstmAttrs, inputs: [20, 24],
  infer: (ctx) => {
    const x = ctx.shape(0);
    const out = ctx.has(16) ? ctx.shape(16)[0]! : ctx.shape(4)[0]!;
    return [tensorType(ctx.tensor(0).dtype, [...x.slice(0, -1), out])];
  },
  params: (ctx): LstmParams => {
    if (ctx.attrs.kernel_type !== 0) ctx.fail('the BASIC LSTM kernel is not supported', 'E_TYPE_UNSUPPORTED');
    const d = lstmDims(ctx, sequence);
    return {
      ...outQuant(ctx, sequence ? 'UNIDIRECTIONAL_SEQUENCE_LSTM' : 'LSTM'), sequence, timeMajor: d.tm, batch: d.batch, steps: d.steps, inputSize: d.inputSize, cells: d.cells, outputSize: d.outputSize,
      act: ctx.attrs.fused_activation_function, cellClip: ctx.attrs.cell_clip, projClip: ctx.attrs.proj_clip, dequant: dequantTable(ctx, 24),
    };
  },
});

export interface SvdfParams extends OutQuant {
  readonly batch: number; readonly inputSize: number; readonly filters: number; readonly memory: number; readonly rank: number;
  readonly units: number; readonly act: number; readonly dequant: Dequant;
}
const SVDF = tfl({
  attrs: { rank: attr.int(1), fused_activation_function: attr.int(0), ...quantAttrs('in0', 'in1', 'in2', 'in3', 'in4', 'out0') }, inputs: [4, 5],
  infer: (ctx) => {
    const x = ctx.shape(0);
    const f = ctx.shape(1)[0]!;
    return [tensorType(ctx.tensor(0).dtype, [x[0]!, typeof f === 'number' ? f / ctx.attrs.rank : f])];
  },
  params: (ctx): SvdfParams => {
    const [batch, inputSize] = concrete(ctx.shape(0));
    const [filters] = concrete(ctx.shape(1));
    const [, memory] = concrete(ctx.shape(2));
    const rank = ctx.attrs.rank;
    if (!(rank > 0) || filters! % rank) ctx.fail(`rank ${rank} does not divide ${filters} filters`, 'E_SHAPE_MISMATCH');
    return { ...outQuant(ctx, 'SVDF'), batch: batch!, inputSize: inputSize!, filters: filters!, memory: memory!, rank, units: filters! / rank, act: ctx.attrs.fused_activation_function, dequant: dequantTable(ctx, 5) };
  },
});

export interface RnnParams extends OutQuant {
  readonly sequence: boolean; readonly timeMajor: boolean; readonly batch: number; readonly steps: number;
  readonly inputSize: number; readonly units: number; readonly act: number; readonly dequant: Dequant;
}
/** RNN / UNIDIRECTIONAL_SEQUENCE_RNN: inputs (x, weights [units, in], recurrent weights [units, units], bias, hidden state). */
const rnn = (sequence: boolean) => tfl({
  attrs: { time_major: attr.int(0), fused_activation_function: attr.int(0), ...quantAttrs('in0', 'in1', 'in2', 'in3', 'in4', 'out0') }, inputs: [5, 5],
  infer: (ctx) => {
    const x = ctx.shape(0);
    return [tensorType(ctx.tensor(0).dtype, [...x.slice(0, -1), ctx.shape(1)[0]!])];
  },
  params: (ctx): RnnParams => {
    const x = concrete(ctx.shape(0));
    const tm = sequence && !!ctx.attrs.time_major;
    const [batch, steps] = !sequence ? [x[0]!, 1] : tm ? [x[1]!, x[0]!] : [x[0]!, x[1]!];
    return {
      ...outQuant(ctx, sequence ? 'UNIDIRECTIONAL_SEQUENCE_RNN' : 'RNN'), sequence, timeMajor: tm, batch, steps, inputSize: x[x.length - 1]!, units: concrete(ctx.shape(1))[0]!,
      act: ctx.attrs.fused_activation_function, dequant: dequantTable(ctx, 5),
    };
  },
});

export const tfliteRnnOps = {
  'tflite.LSTM': lstm(false), 'tflite.UNIDIRECTIONAL_SEQUENCE_LSTM': lstm(true), 'tflite.SVDF': SVDF,
  'tflite.RNN': rnn(false), 'tflite.UNIDIRECTIONAL_SEQUENCE_RNN': rnn(true),
};

