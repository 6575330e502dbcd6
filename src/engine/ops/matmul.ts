/** matmul ops: schemas (attributes, shape inference, kernel params). */
import { DTYPES, type DType } from '../ir/dtype.js';
import { freshDim, tensorType, type Dim } from '../ir/types.js';
import { parseEinsum, type EinsumSpec } from './matmul/einsum-equation.js';
import { attr, defineOp, type OpContext, type OpSchema } from './schema.js';
import { broadcastShapes, concrete } from './shape-utils.js';

export type { EinsumSpec } from './matmul/einsum-equation.js';

/** Batched matrix product: out[...batch, M, N] = a[...aBatch, M, K] x b[...bBatch, K, N]. */
export interface MatMulParams {
  /** Batch dims of a and b, left-padded with 1 to the rank of outBatch. */
  readonly aBatch: readonly number[];
  readonly bBatch: readonly number[];
  readonly outBatch: readonly number[];
  readonly M: number;
  readonly K: number;
  readonly N: number;
  /** Output dims (1-D operands' axes removed). */
  readonly outDims: readonly number[];
  readonly outType: DType;
}

const MATMUL_TYPES = new Set<DType>(['float32', 'float64', 'float16', 'bfloat16', 'int32', 'int64', 'uint32', 'uint64']);

/** numpy matmul shape rules over symbolic dims. */
function matmulShape(ctx: OpContext<unknown>, a: readonly Dim[], b: readonly Dim[]): { out: Dim[]; aB: Dim[]; bB: Dim[]; batch: Dim[] } {
  if (a.length === 0 || b.length === 0) ctx.fail('MatMul operands must have rank >= 1', 'E_SHAPE_MISMATCH');
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const ka = a2[a2.length - 1]!;
  const kb = b2[b2.length - 2]!;
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) {
    ctx.fail(`inner dims differ: [${a.join(',')}] x [${b.join(',')}]`, 'E_SHAPE_MISMATCH');
  }
  const aB = a2.slice(0, -2);
  const bB = b2.slice(0, -2);
  const batch = broadcastShapes(ctx, [aB, bB])!;
  const out: Dim[] = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]!);
  if (b.length > 1) out.push(b2[b2.length - 1]!);
  return { out, aB, bB, batch };
}

function matmulParams(ctx: OpContext<unknown>, ai: number, bi: number, outType: DType): MatMulParams {
  const a = concrete(ctx.shape(ai));
  const b = concrete(ctx.shape(bi));
  const r = matmulShape(ctx, a, b);
  const pad = (d: readonly Dim[]) => [...new Array<number>(r.batch.length - d.length).fill(1), ...(d as number[])];
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  return {
    aBatch: pad(r.aB), bBatch: pad(r.bB), outBatch: r.batch as number[],
    M: a2[a2.length - 2]!, K: a2[a2.length - 1]!, N: b2[b2.length - 1]!, outDims: r.out as number[], outType,
  };
}

const MatMul = defineOp({
  inputs: [2, 2],
  infer: (ctx) => {
    const a = ctx.tensor(0);
    const b = ctx.tensor(1);
    if (!MATMUL_TYPES.has(a.dtype)) ctx.fail(`does not take ${a.dtype} input`, 'E_TYPE_UNSUPPORTED');
    if (a.dtype !== b.dtype) ctx.fail(`inputs must have the same type, got ${a.dtype} and ${b.dtype}`, 'E_TYPE_UNSUPPORTED');
    return [tensorType(a.dtype, matmulShape(ctx, ctx.shape(0), ctx.shape(1)).out)];
  },
  params: (ctx): MatMulParams => matmulParams(ctx, 0, 1, ctx.tensor(0).dtype),
});

// ---------------------------------------------------------------- Gemm

export interface GemmParams {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly alpha: number;
  readonly beta: number;
  /** Dims of C (unidirectionally broadcast to [M, N]), or undefined without C. */
  readonly cDims: readonly number[] | undefined;
}

const GEMM_TYPES = new Set<DType>(['float32', 'float64', 'float16', 'bfloat16', 'int32', 'int64', 'uint32', 'uint64']);

const Gemm = defineOp({
  attrs: { alpha: attr.float(1), beta: attr.float(1), transA: attr.int(0), transB: attr.int(0) },
  inputs: [2, 3],
  infer: (ctx) => {
    const t = ctx.tensor(0).dtype;
    if (!GEMM_TYPES.has(t)) ctx.fail(`does not take ${t} input`, 'E_TYPE_UNSUPPORTED');
    for (const i of [1, 2]) if (ctx.has(i) && ctx.tensor(i).dtype !== t) ctx.fail(`input ${i} is ${ctx.tensor(i).dtype}, A is ${t}`, 'E_TYPE_UNSUPPORTED');
    if (!ctx.has(2) && ctx.opset < 11) ctx.fail(`C is required before opset 11`);
    const a = ctx.shape(0);
    const b = ctx.shape(1);
    if (a.length !== 2 || b.length !== 2) ctx.fail(`A and B must be 2-D, got [${a.join(',')}] and [${b.join(',')}]`, 'E_SHAPE_MISMATCH');
    const [m, ka] = ctx.attrs.transA ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
    const [kb, n] = ctx.attrs.transB ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
    if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) ctx.fail(`inner dims differ: A' is [${m},${ka}], B' is [${kb},${n}]`, 'E_SHAPE_MISMATCH');
    if (ctx.has(2)) {
      const c = ctx.shape(2);
      if (c.length > 2) ctx.fail(`C must have rank <= 2, got [${c.join(',')}]`, 'E_SHAPE_MISMATCH');
      const want = [m, n].slice(2 - c.length);
      c.forEach((d, i) => {
        const w = want[i]!;
        if (typeof d === 'number' && d !== 1 && typeof w === 'number' && d !== w) {
          ctx.fail(`C [${c.join(',')}] does not broadcast to [${m},${n}]`, 'E_SHAPE_MISMATCH');
        }
      });
    }
    return [tensorType(t, [m, n])];
  },
  params: (ctx): GemmParams => {
    const a = concrete(ctx.shape(0));
    const b = concrete(ctx.shape(1));
    const transA = ctx.attrs.transA !== 0;
    const transB = ctx.attrs.transB !== 0;
    return {
      M: transA ? a[1]! : a[0]!, K: transA ? a[0]! : a[1]!, N: transB ? b[0]! : b[1]!, transA, transB,
      alpha: ctx.attrs.alpha, beta: ctx.attrs.beta, cDims: ctx.has(2) ? concrete(ctx.shape(2)) : undefined,
    };
  },
});

// ---------------------------------------------------------------- integer and quantized matmul

const INT8 = new Set<DType>(['int8', 'uint8']);

/** A zero point or scale: scalar (or one element), or 1-D of `n` (per row of a / per column of b). */
function checkQuant(ctx: OpContext<unknown>, i: number, what: string, n: Dim | undefined): void {
  if (!ctx.has(i)) return;
  const s = ctx.shape(i);
  if (s.length === 0 || (s.length === 1 && (s[0] === 1 || typeof s[0] !== 'number'))) return;
  if (s.length === 1 && (typeof n !== 'number' || s[0] === n)) return;
  ctx.fail(`${what} must be a scalar or 1-D of size ${n}, got [${s.join(',')}]`, 'E_SHAPE_MISMATCH');
}

const rowsOf = (s: readonly Dim[]): Dim => (s.length === 1 ? 1 : s[s.length - 2]!);
const colsOf = (s: readonly Dim[]): Dim => (s.length === 1 ? 1 : s[s.length - 1]!);

const MatMulInteger = defineOp({
  since: 10,
  inputs: [2, 4],
  infer: (ctx) => {
    for (const [i, w] of [[0, 'A'], [1, 'B']] as const) if (!INT8.has(ctx.tensor(i).dtype)) ctx.fail(`${w} must be int8 or uint8, got ${ctx.tensor(i).dtype}`, 'E_TYPE_UNSUPPORTED');
    if (ctx.has(2) && ctx.tensor(2).dtype !== ctx.tensor(0).dtype) ctx.fail('a_zero_point must have the type of A', 'E_TYPE_UNSUPPORTED');
    if (ctx.has(3) && ctx.tensor(3).dtype !== ctx.tensor(1).dtype) ctx.fail('b_zero_point must have the type of B', 'E_TYPE_UNSUPPORTED');
    checkQuant(ctx, 2, 'a_zero_point', rowsOf(ctx.shape(0)));
    checkQuant(ctx, 3, 'b_zero_point', colsOf(ctx.shape(1)));
    return [tensorType('int32', matmulShape(ctx, ctx.shape(0), ctx.shape(1)).out)];
  },
  params: (ctx): MatMulParams => matmulParams(ctx, 0, 1, 'int32'),
});

const SCALE_TYPES = new Set<DType>(['float32', 'float16', 'bfloat16', 'float64']);

const QLinearMatMul = defineOp({
  since: 10,
  inputs: [8, 8],
  infer: (ctx) => {
    for (const [i, w] of [[0, 'a'], [3, 'b'], [7, 'y_zero_point']] as const) if (!INT8.has(ctx.tensor(i).dtype)) ctx.fail(`${w} must be int8 or uint8, got ${ctx.tensor(i).dtype}`, 'E_TYPE_UNSUPPORTED');
    if (ctx.tensor(2).dtype !== ctx.tensor(0).dtype) ctx.fail('a_zero_point must have the type of a', 'E_TYPE_UNSUPPORTED');
    if (ctx.tensor(5).dtype !== ctx.tensor(3).dtype) ctx.fail('b_zero_point must have the type of b', 'E_TYPE_UNSUPPORTED');
    for (const i of [1, 4, 6]) if (!SCALE_TYPES.has(ctx.tensor(i).dtype)) ctx.fail(`input ${i} (a scale) must be float, got ${ctx.tensor(i).dtype}`, 'E_TYPE_UNSUPPORTED');
    const a = ctx.shape(0);
    const b = ctx.shape(3);
    checkQuant(ctx, 1, 'a_scale', rowsOf(a));
    checkQuant(ctx, 2, 'a_zero_point', rowsOf(a));
    checkQuant(ctx, 4, 'b_scale', colsOf(b));
    checkQuant(ctx, 5, 'b_zero_point', colsOf(b));
    checkQuant(ctx, 6, 'y_scale', undefined);
    checkQuant(ctx, 7, 'y_zero_point', undefined);
    return [tensorType(ctx.tensor(7).dtype, matmulShape(ctx, a, b).out)];
  },
  params: (ctx): MatMulParams => matmulParams(ctx, 0, 3, ctx.tensor(7).dtype),
});

// ---------------------------------------------------------------- Det

export interface DetParams { readonly batch: number; readonly n: number }

const Det = defineOp({
  since: 11,
  infer: (ctx) => {
    const t = ctx.tensor(0);
    if (DTYPES[t.dtype].kind !== 'float') ctx.fail(`does not take ${t.dtype} input`, 'E_TYPE_UNSUPPORTED');
    const s = ctx.shape(0);
    if (s.length < 2) ctx.fail(`X must have rank >= 2, got ${s.length}`, 'E_SHAPE_MISMATCH');
    const [r, c] = s.slice(-2);
    if (typeof r === 'number' && typeof c === 'number' && r !== c) ctx.fail(`matrices must be square, got [${s.join(',')}]`, 'E_SHAPE_MISMATCH');
    return [tensorType(t.dtype, s.slice(0, -2))];
  },
  params: (ctx): DetParams => {
    const s = concrete(ctx.shape(0));
    return { batch: s.slice(0, -2).reduce((a, b) => a * b, 1), n: s[s.length - 1]! };
  },
});

// ---------------------------------------------------------------- Einsum

export interface EinsumParams extends EinsumSpec {
  /** Size of every label (broadcast over size-1 axes). */
  readonly sizes: Readonly<Record<string, number>>;
  readonly outDims: readonly number[];
}

const EINSUM_TYPES = new Set<DType>(['float32', 'float64', 'float16', 'bfloat16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);

/** Label sizes over symbolic dims: a known size > 1 wins; 1 broadcasts. */
function labelSizes(ctx: OpContext<unknown>, spec: EinsumSpec, shapes: readonly (readonly Dim[])[]): Map<string, Dim> {
  const sizes = new Map<string, Dim>();
  spec.inputs.forEach((labels, i) => {
    labels.forEach((l, k) => {
      const d = shapes[i]![k]!;
      const cur = sizes.get(l);
      if (cur === undefined || cur === 1) sizes.set(l, d);
      else if (d !== 1 && typeof d === 'number' && typeof cur === 'number' && d !== cur) {
        ctx.fail(`label '${l.replace('…', '...')}' has sizes ${cur} and ${d}`, 'E_SHAPE_MISMATCH');
      } else if (typeof cur !== 'number' && typeof d === 'number' && d !== 1) sizes.set(l, d);
    });
  });
  return sizes;
}

function einsumSpec(ctx: OpContext<{ readonly equation: string }>): { spec: EinsumSpec; shapes: (readonly Dim[])[] } {
  const n = ctx.inputs.length;
  if (n < 1) ctx.fail('Einsum needs at least one input');
  const t = ctx.tensor(0).dtype;
  if (!EINSUM_TYPES.has(t)) ctx.fail(`does not take ${t} input`, 'E_TYPE_UNSUPPORTED');
  const shapes = Array.from({ length: n }, (_, i) => {
    if (ctx.tensor(i).dtype !== t) ctx.fail(`input ${i} is ${ctx.tensor(i).dtype}, input 0 is ${t}`, 'E_TYPE_UNSUPPORTED');
    return ctx.shape(i);
  });
  let spec: EinsumSpec;
  try {
    spec = parseEinsum(ctx.attrs.equation, shapes.map((s) => s.length));
  } catch (e) {
    return ctx.fail((e as Error).message.replace(/^\[[A-Z_]+\] /, ''));
  }
  return { spec, shapes };
}

const Einsum = defineOp({
  since: 12,
  attrs: { equation: attr.required.string() },
  inputs: [1, Infinity],
  infer: (ctx) => {
    const { spec, shapes } = einsumSpec(ctx);
    const sizes = labelSizes(ctx, spec, shapes);
    return [tensorType(ctx.tensor(0).dtype, spec.output.map((l) => sizes.get(l) ?? freshDim()))];
  },
  params: (ctx): EinsumParams => {
    const { spec, shapes } = einsumSpec(ctx);
    const sizes = labelSizes(ctx, spec, shapes.map((s) => concrete(s)));
    const rec: Record<string, number> = {};
    for (const [k, v] of sizes) rec[k] = v as number;
    return { ...spec, sizes: rec, outDims: spec.output.map((l) => rec[l]!) };
  },
});

export const matmulOps = { MatMul, Gemm, MatMulInteger, QLinearMatMul, Det, Einsum } satisfies Record<string, OpSchema<any, any>>;
