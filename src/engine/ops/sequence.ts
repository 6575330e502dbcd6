/**
 * Sequence and optional ops. At run time a sequence is a JS array of values, an empty optional is null.
 *
 * A sequence's element type at run time describes only its first element (see typeOfValue), so shapes
 * taken from an element type keep their rank but not their sizes: a size read from there could be wrong
 * for another element, and the executor would reject the kernel's (correct) output.
 */
import type { Graph } from '../ir/graph.js';
import { dtypeFromOnnx, type DType } from '../ir/dtype.js';
import { freshDim, tensorType, type Dim, type TensorType, type ValueType } from '../ir/types.js';
import { joinTypes } from './control.js';
import { normAxis } from './shape-utils.js';
import { attr, defineOp, type OpContext, type OpSchema } from './schema.js';

/** The element type of sequence input i (undefined when unknown). */
function seqElem(ctx: OpContext<unknown>, i: number): ValueType | undefined {
  const t = ctx.inputs[i];
  if (!t) return undefined;
  if (t.kind !== 'sequence') return ctx.fail(`input ${i} must be a sequence, got a ${t.kind}`);
  return t.elem;
}

/** A shape read from an element type: rank kept, sizes symbolic (see the file comment). */
export function elemShape(shape: readonly Dim[] | undefined): Dim[] | undefined {
  if (!shape || shape.length === 0) return undefined;
  return shape.map((d) => (typeof d === 'number' ? freshDim() : d));
}

function elemTensor(ctx: OpContext<unknown>, elem: ValueType | undefined): TensorType | undefined {
  if (!elem) return undefined;
  if (elem.kind !== 'tensor') return ctx.fail(`sequence elements must be tensors here, got a ${elem.kind}`);
  return elem;
}

const seqOf = (elem: ValueType | undefined): ValueType => ({ kind: 'sequence', elem });

/** The dtype an ONNX TensorProto.DataType attribute names. */
export function dtypeAttr(ctx: OpContext<unknown>, code: number, name: string): DType {
  const t = dtypeFromOnnx(code);
  if (!t) return ctx.fail(`${name} ${code} is not a known data type`, 'E_TYPE_UNSUPPORTED');
  return t;
}

function checkPosition(ctx: OpContext<unknown>, i: number): void {
  const t = ctx.inputs[i];
  if (ctx.has(i) && t && (t.kind !== 'tensor' || (t.dtype !== 'int32' && t.dtype !== 'int64'))) {
    ctx.fail(`position must be an int32 or int64 tensor`, 'E_TYPE_UNSUPPORTED');
  }
}

const SequenceConstruct = defineOp({
  since: 11,
  inputs: [1, Infinity],
  infer: (ctx) => {
    let elem: ValueType | undefined;
    ctx.inputs.forEach((t, i) => {
      const tt = ctx.tensor(i);
      if (i > 0 && elem?.kind === 'tensor' && elem.dtype !== tt.dtype) ctx.fail(`all inputs must have one type, got ${elem.dtype} and ${tt.dtype}`, 'E_TYPE_UNSUPPORTED');
      elem = i === 0 ? t : joinTypes(elem, t) ?? tensorType(tt.dtype);
    });
    return [seqOf(elem)];
  },
});

const SequenceEmpty = defineOp({
  since: 11,
  attrs: { dtype: attr.int(1) },
  inputs: [0, 0],
  infer: (ctx) => [seqOf(tensorType(dtypeAttr(ctx, ctx.attrs.dtype, 'dtype')))],
});

const SequenceInsert = defineOp({
  since: 11,
  inputs: [2, 3],
  infer: (ctx) => {
    const elem = elemTensor(ctx, seqElem(ctx, 0));
    const t = ctx.tensor(1);
    checkPosition(ctx, 2);
    if (elem && elem.dtype !== t.dtype) ctx.fail(`cannot insert a ${t.dtype} tensor into a sequence of ${elem.dtype}`, 'E_TYPE_UNSUPPORTED');
    return [seqOf(elem ? joinTypes(elem, t) : t)];
  },
});

const SequenceAt = defineOp({
  since: 11,
  inputs: [2, 2],
  infer: (ctx) => {
    const elem = elemTensor(ctx, seqElem(ctx, 0));
    checkPosition(ctx, 1);
    return [elem ? tensorType(elem.dtype, elemShape(elem.shape)) : undefined];
  },
});

const SequenceErase = defineOp({
  since: 11,
  inputs: [1, 2],
  infer: (ctx) => {
    checkPosition(ctx, 1);
    return [seqOf(seqElem(ctx, 0))];
  },
});

const SequenceLength = defineOp({
  since: 11,
  infer: (ctx) => {
    seqElem(ctx, 0);
    return [tensorType('int64', [])];
  },
});

export interface SplitToSequenceParams { readonly axis: number; readonly keepdims: boolean }

const SplitToSequence = defineOp({
  since: 11,
  attrs: { axis: attr.int(0), keepdims: attr.int(1) },
  inputs: [1, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!x.shape) return [seqOf(tensorType(x.dtype))];
    const axis = normAxis(ctx, ctx.attrs.axis, x.shape.length);
    if (ctx.has(1)) {
      const s = ctx.tensor(1);
      if (s.dtype !== 'int32' && s.dtype !== 'int64') ctx.fail(`split must be int32 or int64`, 'E_TYPE_UNSUPPORTED');
      return [seqOf(tensorType(x.dtype, x.shape.map((d, i) => (i === axis ? freshDim() : d))))];
    }
    const shape = ctx.attrs.keepdims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
    return [seqOf(tensorType(x.dtype, shape))];
  },
  params: (ctx): SplitToSequenceParams => ({ axis: normAxis(ctx, ctx.attrs.axis, ctx.shape(0).length), keepdims: ctx.attrs.keepdims !== 0 }),
});

export interface ConcatFromSequenceParams { readonly axis: number; readonly newAxis: boolean }

const ConcatFromSequence = defineOp({
  since: 11,
  attrs: { axis: attr.required.int(), new_axis: attr.int(0) },
  infer: (ctx) => {
    const elem = elemTensor(ctx, seqElem(ctx, 0));
    if (!elem) return [undefined];
    if (!elem.shape) return [tensorType(elem.dtype)];
    const newAxis = ctx.attrs.new_axis !== 0;
    const rank = elem.shape.length;
    if (!newAxis && rank === 0) ctx.fail(`cannot concatenate scalars without new_axis`);
    const axis = normAxis(ctx, ctx.attrs.axis, rank, newAxis);
    // Sizes other than the concatenated one must agree across elements, so the first element's are right.
    const shape = newAxis ? [...elem.shape.slice(0, axis), freshDim(), ...elem.shape.slice(axis)]
      : elem.shape.map((d, i) => (i === axis ? freshDim() : d));
    return [tensorType(elem.dtype, shape)];
  },
  params: (ctx): ConcatFromSequenceParams => ({ axis: ctx.attrs.axis, newAxis: ctx.attrs.new_axis !== 0 }),
});

export interface SequenceMapParams { readonly body: Graph; readonly isSeq: readonly boolean[] }

const SequenceMap = defineOp({
  since: 17,
  attrs: { body: attr.required.graph() },
  inputs: [1, Infinity],
  outputs: [1, Infinity],
  infer: (ctx) => {
    const body = ctx.attrs.body;
    if (body.inputs.length !== ctx.inputs.length) ctx.fail(`body takes ${body.inputs.length} inputs, the node gives ${ctx.inputs.length}`);
    if (body.outputs.length !== ctx.numOutputs) ctx.fail(`body has ${body.outputs.length} outputs, the node has ${ctx.numOutputs}`);
    if (ctx.inputs[0] && ctx.inputs[0].kind !== 'sequence') ctx.fail(`input 0 must be a sequence`);
    const inTypes = ctx.inputs.map((t) => (t?.kind === 'sequence' ? t.elem : t));
    return ctx.inferSubgraph(body, inTypes).map((t) => seqOf(t));
  },
  params: (ctx): SequenceMapParams => ({ body: ctx.attrs.body, isSeq: ctx.inputs.map((t) => t?.kind === 'sequence') }),
});

// ---------------------------------------------------------------- optional

const Optional = defineOp({
  since: 15,
  attrs: { type: attr.type() },
  inputs: [0, 1],
  infer: (ctx) => {
    if (!ctx.has(0) && !ctx.attrs.type) ctx.fail(`an Optional without an input needs the 'type' attribute`);
    return [{ kind: 'optional', elem: ctx.has(0) ? ctx.inputs[0] : ctx.attrs.type }];
  },
});

const OptionalHasElement = defineOp({
  since: 15,
  inputs: [0, 1],
  infer: () => [tensorType('bool', [])],
});

const OptionalGetElement = defineOp({
  since: 15,
  infer: (ctx) => {
    const t = ctx.inputs[0];
    return [t?.kind === 'optional' ? t.elem : t];
  },
});

export const sequenceOps = {
  SequenceConstruct, SequenceEmpty, SequenceInsert, SequenceAt, SequenceErase, SequenceLength,
  SplitToSequence, ConcatFromSequence, SequenceMap, Optional, OptionalHasElement, OptionalGetElement,
} satisfies Record<string, OpSchema<any, any>>;
