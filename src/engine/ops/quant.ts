/**
 * quant ops: schemas (attributes, shape inference, kernel params).
 *
 * QuantizeLinear / DequantizeLinear share one granularity model: the scale (and zero point) is a scalar
 * (per tensor), a 1-D tensor along `axis` (per axis), or, from opset 21, a tensor of the input's rank
 * whose `axis` dim is ceil(dim / block_size) (blocked). Kernels get the resolved granularity.
 */
import { dtypeFromOnnx, type DType } from '../ir/dtype.js';
import { tensorType, type Dim } from '../ir/types.js';
import { attr, defineOp, type OpContext, type OpSchema } from './schema.js';
import { concrete, normAxis } from './shape-utils.js';

/** Types QuantizeLinear can produce (and DequantizeLinear read, besides int32). */
export const QUANT_TYPES: ReadonlySet<DType> = new Set<DType>([
  'uint8', 'int8', 'uint16', 'int16', 'uint4', 'int4', 'uint2', 'int2',
  'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'float4e2m1',
]);

const SCALE_TYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'float16', 'bfloat16', 'float64', 'float8e8m0']);
const HIGH_PRECISION: ReadonlySet<DType> = new Set<DType>(['float32', 'float16', 'bfloat16', 'float64']);

/** How scale/zero point map onto the input: `inner`/`outer` are products of the dims after/before `axis`. */
export interface QuantGranularity {
  readonly mode: 'tensor' | 'axis' | 'block';
  readonly dims: readonly number[];
  /** Normalised axis (per-axis and blocked). */
  readonly axis: number;
  readonly blockSize: number;
}

export interface QuantizeParams extends QuantGranularity {
  readonly outType: DType;
  /** The float type the division x / scale is rounded to. */
  readonly precision: DType;
  readonly saturate: boolean;
}

export interface DequantizeParams extends QuantGranularity {
  readonly outType: DType;
}

type QuantAttrs = { readonly axis: number; readonly block_size: number };

/** Checks scale/zero-point shapes against x and resolves the granularity. */
function granularity(ctx: OpContext<QuantAttrs>, scaleIdx: number, zpIdx: number): QuantGranularity {
  const dims = concrete(ctx.shape(0));
  const s = concrete(ctx.shape(scaleIdx));
  if (ctx.has(zpIdx)) {
    const z = concrete(ctx.shape(zpIdx));
    // A scalar and a one-element 1-D tensor are interchangeable (test data mixes them).
    const single = (t: readonly number[]) => t.length <= 1 && t.reduce((a, b) => a * b, 1) === 1;
    const same = z.length === s.length && z.every((d, i) => d === s[i]);
    if (!same && !(single(z) && single(s))) {
      ctx.fail(`zero point shape [${z.join(',')}] must equal scale shape [${s.join(',')}]`, 'E_SHAPE_MISMATCH');
    }
  }
  const blockSize = ctx.opset >= 21 ? ctx.attrs.block_size : 0;
  const sCount = s.reduce((a, b) => a * b, 1);
  if (s.length === 0 || (s.length === 1 && sCount === 1 && blockSize <= 0)) {
    return { mode: 'tensor', dims, axis: 0, blockSize: 0 };
  }
  if (ctx.opset < 13) ctx.fail(`scale must be a scalar before opset 13, got shape [${s.join(',')}]`, 'E_SHAPE_MISMATCH');
  const axis = normAxis(ctx, ctx.attrs.axis, dims.length);
  if (blockSize < 0) ctx.fail(`block_size must be positive, got ${blockSize}`);
  if (blockSize === 0) {
    if (s.length !== 1) ctx.fail(`per-axis scale must be 1-D, got shape [${s.join(',')}] (set block_size for blocked quantization)`, 'E_SHAPE_MISMATCH');
    if (s[0] !== dims[axis]) ctx.fail(`scale has ${s[0]} elements, input dim ${axis} is ${dims[axis]}`, 'E_SHAPE_MISMATCH');
    return { mode: 'axis', dims, axis, blockSize: 0 };
  }
  if (s.length !== dims.length) ctx.fail(`blocked scale must have the input's rank ${dims.length}, got shape [${s.join(',')}]`, 'E_SHAPE_MISMATCH');
  for (let i = 0; i < dims.length; i++) {
    const want = i === axis ? Math.ceil(dims[i]! / blockSize) : dims[i]!;
    if (s[i] !== want) {
      ctx.fail(`blocked scale shape [${s.join(',')}] does not fit input [${dims.join(',')}] with block_size ${blockSize} on axis ${axis}`, 'E_SHAPE_MISMATCH');
    }
  }
  return { mode: 'block', dims, axis, blockSize };
}

function checkScale(ctx: OpContext<unknown>, i: number): DType {
  const t = ctx.tensor(i).dtype;
  if (!SCALE_TYPES.has(t)) ctx.fail(`scale type ${t} is not supported`, 'E_TYPE_UNSUPPORTED');
  return t;
}

/** numpy-style promotion of two float types, for the precision of x / scale. */
function promoteFloat(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}

function quantizeOutType(ctx: OpContext<{ readonly output_dtype: number }>): DType {
  const od = ctx.opset >= 21 && ctx.attrs.output_dtype ? dtypeFromOnnx(ctx.attrs.output_dtype) : undefined;
  if (ctx.opset >= 21 && ctx.attrs.output_dtype && !od) ctx.fail(`output_dtype ${ctx.attrs.output_dtype} is not a known type`, 'E_TYPE_UNSUPPORTED');
  let out: DType = od ?? 'uint8';
  if (ctx.has(2)) {
    const z = ctx.tensor(2).dtype;
    if (od && od !== z) ctx.fail(`output_dtype ${od} differs from the zero point's type ${z}`);
    out = z;
  }
  if (!QUANT_TYPES.has(out)) ctx.fail(`cannot quantize to ${out}`, 'E_TYPE_UNSUPPORTED');
  return out;
}

const QuantizeLinear = defineOp({
  since: 10,
  inputs: [2, 3],
  attrs: {
    axis: attr.int(1),
    saturate: attr.int(1),
    block_size: attr.int(0),
    output_dtype: attr.int(0),
    precision: attr.int(0),
  },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!HIGH_PRECISION.has(x.dtype) && x.dtype !== 'int32') ctx.fail(`input type ${x.dtype} is not supported`, 'E_TYPE_UNSUPPORTED');
    checkScale(ctx, 1);
    return [tensorType(quantizeOutType(ctx), x.shape)];
  },
  params: (ctx): QuantizeParams => {
    const g = granularity(ctx, 1, 2);
    const x = ctx.tensor(0).dtype;
    const s = ctx.tensor(1).dtype;
    let precision: DType;
    if (ctx.opset >= 23 && ctx.attrs.precision) {
      const p = dtypeFromOnnx(ctx.attrs.precision);
      if (!p || !HIGH_PRECISION.has(p)) ctx.fail(`precision ${ctx.attrs.precision} is not a float type`, 'E_TYPE_UNSUPPORTED');
      precision = p!;
    } else {
      precision = HIGH_PRECISION.has(x) && HIGH_PRECISION.has(s) ? promoteFloat(x, s) : 'float32';
    }
    return { ...g, outType: quantizeOutType(ctx), precision, saturate: ctx.opset < 19 || ctx.attrs.saturate !== 0 };
  },
});

const DequantizeLinear = defineOp({
  since: 10,
  inputs: [2, 3],
  attrs: { axis: attr.int(1), block_size: attr.int(0), output_dtype: attr.int(0) },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!QUANT_TYPES.has(x.dtype) && x.dtype !== 'int32') ctx.fail(`cannot dequantize ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
    const s = checkScale(ctx, 1);
    if (ctx.has(2) && ctx.tensor(2).dtype !== x.dtype) ctx.fail(`zero point type ${ctx.tensor(2).dtype} differs from input type ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
    let out = s;
    if (ctx.opset >= 23 && ctx.attrs.output_dtype) {
      const od = dtypeFromOnnx(ctx.attrs.output_dtype);
      if (!od || !HIGH_PRECISION.has(od)) ctx.fail(`output_dtype ${ctx.attrs.output_dtype} is not a float type`, 'E_TYPE_UNSUPPORTED');
      out = od!;
    }
    if (!HIGH_PRECISION.has(out)) ctx.fail(`output type ${out} is not a float type; set output_dtype`, 'E_TYPE_UNSUPPORTED');
    return [tensorType(out, x.shape)];
  },
  params: (ctx): DequantizeParams => ({
    ...granularity(ctx, 1, 2),
    outType: (ctx.outputs[0] as { dtype: DType }).dtype,
  }),
});

const DynamicQuantizeLinear = defineOp({
  since: 11,
  inputs: [1, 1],
  outputs: [3, 3],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!HIGH_PRECISION.has(x.dtype)) ctx.fail(`input type ${x.dtype} is not supported`, 'E_TYPE_UNSUPPORTED');
    const scalar: Dim[] = [];
    return [tensorType('uint8', x.shape), tensorType(x.dtype, scalar), tensorType('uint8', scalar)];
  },
  params: (ctx) => ({ dtype: ctx.tensor(0).dtype }),
});

export const quantOps = { QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear } satisfies Record<string, OpSchema<any, any>>;
