/**
 * TFLite broadcasting binary ops. Quantized ADD/SUB follow TFLite's general path (both inputs scaled
 * to a common fixed-point scale with `left_shift` headroom bits: 20 for 8-bit, 15 for 16-bit) or, for
 * int16 with power-of-two scales and `pot_scale_int16`, the shift-only path; quantized MUL uses one
 * multiplier s1*s2/s_out (computed in float32, as TFLite does). MAXIMUM/MINIMUM compare raw values
 * (TFLite requires equal quantization); other quantized ops dequantize, compute and requantize.
 */
import type { DType } from '../../ir/dtype.js';
import { tensorType } from '../../ir/types.js';
import { attr, type OpContext } from '../schema.js';
import { broadcastShapes, concrete } from '../shape-utils.js';
import { floatActRange, isQuantizedType, quantActRange, quantAttrs, quantizeMultiplier, scalarQuant, tfl, INT_RANGE } from './common.js';

export type BinaryMode = 'float' | 'int' | 'int64' | 'bool' | 'addsub' | 'pot16' | 'mul' | 'raw' | 'dequant';

export interface BinaryParams {
  readonly op: string;
  readonly mode: BinaryMode;
  readonly outDims: readonly number[];
  readonly outType: DType;
  readonly actMin: number;
  readonly actMax: number;
  /** Quantized: input offsets (-zero point), output offset, scales for the dequantizing path. */
  readonly off1: number; readonly off2: number; readonly outOff: number;
  readonly scale1: number; readonly scale2: number; readonly scaleOut: number;
  /** ADD/SUB general path: headroom shift and the three multipliers; pot16: the right shifts of the inputs. */
  readonly leftShift: number;
  readonly m1: number; readonly s1: number; readonly m2: number; readonly s2: number; readonly mOut: number; readonly sOut: number;
  /** STABLEHLO_COMPARE: EQ, NE, GE, GT, LE, LT. */
  readonly cmpDir: number;
}

const COMPARE = new Set(['LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL', 'EQUAL', 'NOT_EQUAL', 'STABLEHLO_COMPARE']);
const LOGICAL = new Set(['LOGICAL_AND', 'LOGICAL_OR']);
const WITH_ACT = new Set(['ADD', 'SUB', 'MUL', 'DIV']);
const RAW_QUANT = new Set(['MAXIMUM', 'MINIMUM', 'STABLEHLO_MAXIMUM', 'STABLEHLO_MINIMUM']);

const log2Exact = (s: number): number | undefined => {
  const l = Math.round(Math.log2(s));
  return 2 ** l === s ? l : undefined;
};

function binaryParams(op: string, ctx: OpContext<any>): BinaryParams {
  const a = ctx.attrs;
  const outDims = concrete(broadcastShapes(ctx, [ctx.shape(0), ctx.shape(1)])!);
  const t = ctx.tensor(0).dtype;
  const outType = COMPARE.has(op) || LOGICAL.has(op) ? 'bool' : t;
  const act = WITH_ACT.has(op) ? a.fused_activation_function ?? 0 : 0;
  const none = { cmpDir: a.comparison_direction ?? 0, off1: 0, off2: 0, outOff: 0, scale1: 1, scale2: 1, scaleOut: 1, leftShift: 0, m1: 0, s1: 0, m2: 0, s2: 0, mOut: 0, sOut: 0 };
  const q1 = scalarQuant(a, 'in0');
  const q2 = scalarQuant(a, 'in1');
  const qo = scalarQuant(a, 'out0');
  if (isQuantizedType(t) && q1 && q2) {
    const base = { ...none, op, outDims, outType, off1: -q1.zp, off2: -q2.zp, scale1: q1.scale, scale2: q2.scale };
    if (outType === 'bool' || !qo) return { ...base, mode: 'dequant', actMin: -Infinity, actMax: Infinity };
    const [actMin, actMax] = quantActRange(act, t, qo.scale, qo.zp);
    const q = { ...base, outOff: qo.zp, scaleOut: qo.scale, actMin, actMax };
    if (RAW_QUANT.has(op)) return { ...q, mode: 'raw' };
    if (op === 'ADD' || op === 'SUB') {
      if (t === 'int16' && a.pot_scale_int16 !== 0) {
        const [l1, l2, lo] = [log2Exact(q1.scale), log2Exact(q2.scale), log2Exact(qo.scale)];
        if (l1 !== undefined && l2 !== undefined && lo !== undefined) {
          const s1 = l1 - lo, s2 = l2 - lo;
          if (s1 > 0 || s2 > 0 || (s1 !== 0 && s2 !== 0)) ctx.fail('power-of-two int16 ADD/SUB can only shift one input right', 'E_TYPE_UNSUPPORTED');
          return { ...q, mode: 'pot16', s1, s2 };
        }
      }
      const leftShift = t === 'int16' ? 15 : 20;
      const twiceMax = 2 * Math.max(q1.scale, q2.scale);
      const [m1, s1] = quantizeMultiplier(q1.scale / twiceMax);
      const [m2, s2] = quantizeMultiplier(q2.scale / twiceMax);
      const [mOut, sOut] = quantizeMultiplier(twiceMax / (2 ** leftShift * qo.scale));
      return { ...q, mode: 'addsub', leftShift, m1, s1, m2, s2, mOut, sOut };
    }
    if (op === 'MUL') {
      const [mOut, sOut] = quantizeMultiplier(Math.fround(Math.fround(q1.scale * q2.scale) / qo.scale));
      return { ...q, mode: 'mul', mOut, sOut };
    }
    return { ...q, mode: 'dequant' };
  }
  if (outType === 'bool' && t === 'bool') return { ...none, op, outDims, outType, mode: 'bool', actMin: 0, actMax: 1 };
  if (t === 'int64' || t === 'uint64') return { ...none, op, outDims, outType, mode: 'int64', actMin: -Infinity, actMax: Infinity };
  if (t === 'float32' || t === 'float16' || t === 'float64' || t === 'bfloat16') {
    const [actMin, actMax] = floatActRange(act);
    return { ...none, op, outDims, outType, mode: 'float', actMin, actMax };
  }
  const [lo, hi] = INT_RANGE[t] ?? [-Infinity, Infinity];
  const [fmin, fmax] = floatActRange(act);
  return { ...none, op, outDims, outType, mode: 'int', actMin: Math.max(lo, fmin), actMax: Math.min(hi, fmax) };
}

function binary(op: string) {
  return tfl({
    attrs: { fused_activation_function: attr.int(0), pot_scale_int16: attr.int(1), comparison_direction: attr.int(0), ...quantAttrs('in0', 'in1', 'out0') },
    inputs: [2, 2],
    infer: (ctx) => {
      const t = ctx.tensor(0).dtype;
      if (ctx.tensor(1).dtype !== t) ctx.fail(`${op} needs both inputs of one type, got ${t} and ${ctx.tensor(1).dtype}`, 'E_TYPE_UNSUPPORTED');
      if (t === 'string' && op !== 'EQUAL' && op !== 'NOT_EQUAL') ctx.fail(`${op} does not take string tensors`, 'E_TYPE_UNSUPPORTED');
      const shape = broadcastShapes(ctx, [ctx.tensor(0).shape, ctx.tensor(1).shape]);
      return [tensorType(COMPARE.has(op) || LOGICAL.has(op) ? 'bool' : t, shape)];
    },
    params: (ctx) => binaryParams(op, ctx),
  });
}

export const BINARY_OPS = [
  'ADD', 'SUB', 'MUL', 'DIV', 'MAXIMUM', 'MINIMUM', 'POW', 'FLOOR_DIV', 'FLOOR_MOD', 'SQUARED_DIFFERENCE', 'ATAN2',
  'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL', 'EQUAL', 'NOT_EQUAL', 'LOGICAL_AND', 'LOGICAL_OR', 'BITWISE_XOR', 'RIGHT_SHIFT',
  'STABLEHLO_ADD', 'STABLEHLO_SUBTRACT', 'STABLEHLO_MULTIPLY', 'STABLEHLO_DIVIDE', 'STABLEHLO_MAXIMUM', 'STABLEHLO_MINIMUM',
  'STABLEHLO_POWER', 'STABLEHLO_REMAINDER', 'STABLEHLO_AND', 'STABLEHLO_OR', 'STABLEHLO_COMPARE', 'STABLEHLO_SHIFT_LEFT',
] as const;

export const tfliteBinaryOps = Object.fromEntries(BINARY_OPS.map((op) => [`tflite.${op}`, binary(op)])) as Record<`tflite.${(typeof BINARY_OPS)[number]}`, ReturnType<typeof binary>>;
