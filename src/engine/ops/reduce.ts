/** reduce ops: schemas (attributes, shape inference, kernel params). */
import { DTYPES, type DType } from '../ir/dtype.js';
import { freshDim, tensorType, type Dim } from '../ir/types.js';
import { toIntList } from '../elements.js';
import { argOps, cumOps, topKOps } from './reduce/scan.js';
import { attr, defineOp, type OpContext, type OpSchema } from './schema.js';
import { concrete, normAxes } from './shape-utils.js';

export type { ArgParams, CumParams, TopKParams } from './reduce/scan.js';

/** What a Reduce* op folds its elements with. */
export type ReduceKind = 'Sum' | 'Mean' | 'Max' | 'Min' | 'Prod' | 'L1' | 'L2' | 'LogSum' | 'LogSumExp' | 'SumSquare';

export interface ReduceParams {
  readonly kind: ReduceKind;
  readonly inDims: readonly number[];
  /** Normalised, sorted axes to reduce. Empty with `noop`: every element is its own group. */
  readonly axes: readonly number[];
  /** noop_with_empty_axes with no axes given: the reduction runs over one-element groups. */
  readonly noop: boolean;
  /** Output dims (with or without the kept 1s; the element count is the same). */
  readonly outDims: readonly number[];
}

interface ReduceAttrs {
  readonly axes: readonly number[] | undefined;
  readonly keepdims: number;
  readonly noop_with_empty_axes: number;
}

/** The axes a reduction uses: `undefined` when they are not known yet (a non-constant axes input, statically). */
interface AxesChoice { readonly axes: readonly number[] | undefined; readonly noop: boolean }

function reduceAxes(ctx: OpContext<ReduceAttrs>, rank: number, axesInputSince: number): AxesChoice {
  let given: readonly number[] | undefined;
  if (ctx.opset < axesInputSince) {
    if (ctx.has(1)) ctx.fail(`axes is an attribute before opset ${axesInputSince}, not an input`);
    given = ctx.attrs.axes;
  } else {
    if (ctx.attrs.axes !== undefined) ctx.fail(`from opset ${axesInputSince} axes is input 1, not an attribute`);
    if (ctx.has(1)) {
      const t = ctx.value(1);
      if (!t) return { axes: undefined, noop: false };
      if (t.type !== 'int64' && t.type !== 'int32') ctx.fail(`axes must be int64, got ${t.type}`, 'E_TYPE_UNSUPPORTED');
      if (t.dims.length > 1) ctx.fail(`axes must be 1-D, got rank ${t.dims.length}`, 'E_SHAPE_MISMATCH');
      given = toIntList(t);
    }
  }
  if (given === undefined || given.length === 0) {
    const noop = ctx.opset >= axesInputSince && ctx.attrs.noop_with_empty_axes !== 0;
    return { axes: noop ? [] : Array.from({ length: rank }, (_, i) => i), noop };
  }
  return { axes: normAxes(ctx, given, rank).sort((a, b) => a - b), noop: false };
}

function reducedShape(shape: readonly Dim[], c: AxesChoice, keepdims: boolean): Dim[] | undefined {
  if (c.axes === undefined) return keepdims ? shape.map(() => freshDim()) : undefined;
  if (c.noop) return [...shape];
  const out: Dim[] = [];
  shape.forEach((d, i) => {
    if (!c.axes!.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

const NUMERIC: ReadonlySet<string> = new Set(['float', 'int', 'uint']);

/** True for dtypes a Reduce* op takes (bool only for ReduceMax/ReduceMin from opset 20). */
function reduceTypeOk(kind: ReduceKind, dtype: DType, opset: number): boolean {
  const k = DTYPES[dtype].kind;
  if (NUMERIC.has(k)) return true;
  return k === 'bool' && (kind === 'Max' || kind === 'Min') && opset >= 20;
}

/** A Reduce* op; `axesInputSince` is the opset where `axes` moved from attribute to input. */
function reduceOp(kind: ReduceKind, axesInputSince: number) {
  return defineOp({
    attrs: { axes: attr.ints(), keepdims: attr.int(1), noop_with_empty_axes: attr.int(0) },
    inputs: [1, 2],
    infer: (ctx) => {
      const t = ctx.tensor(0);
      if (!reduceTypeOk(kind, t.dtype, ctx.opset)) ctx.fail(`Reduce${kind} does not take ${t.dtype} tensors`, 'E_TYPE_UNSUPPORTED');
      if (!t.shape) return [tensorType(t.dtype)];
      const c = reduceAxes(ctx, t.shape.length, axesInputSince);
      return [tensorType(t.dtype, reducedShape(t.shape, c, ctx.attrs.keepdims !== 0))];
    },
    params: (ctx): ReduceParams => {
      const inDims = concrete(ctx.shape(0));
      const c = reduceAxes(ctx, inDims.length, axesInputSince);
      return { kind, inDims, axes: c.axes!, noop: c.noop, outDims: reducedShape(inDims, c, ctx.attrs.keepdims !== 0) as number[] };
    },
  });
}

export const reduceOps = {
  ReduceSum: reduceOp('Sum', 13),
  ReduceMean: reduceOp('Mean', 18),
  ReduceMax: reduceOp('Max', 18),
  ReduceMin: reduceOp('Min', 18),
  ReduceProd: reduceOp('Prod', 18),
  ReduceL1: reduceOp('L1', 18),
  ReduceL2: reduceOp('L2', 18),
  ReduceLogSum: reduceOp('LogSum', 18),
  ReduceLogSumExp: reduceOp('LogSumExp', 18),
  ReduceSumSquare: reduceOp('SumSquare', 18),
  ...argOps,
  ...cumOps,
  ...topKOps,
} satisfies Record<string, OpSchema<any, any>>;
