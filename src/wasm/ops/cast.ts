/**
 * Cast and CastLike between the fixed-width numeric types the kernel knows (kernels/cast.c): float32,
 * float16, bfloat16, int32, int64, uint8, int8, bool, uint16, int16, uint32. Strings, float64, 64-bit
 * unsigned, sub-byte and float8 types stay with the reference backend (supports() says so).
 */
import type { SupportQuery } from '../../engine/backend.js';
import { dtypeFromOnnx, type DType } from '../../engine/ir/dtype.js';
import type { CastParams } from '../../engine/ops/elementwise.js';
import { Tensor } from '../../engine/tensor.js';
import type { WasmOp } from './types.js';

/** Type codes of kernels/cast.c. */
const CODES: Partial<Record<DType, number>> = {
  float32: 0, float16: 1, bfloat16: 2, int32: 3, int64: 4, uint8: 5, int8: 6, bool: 7, uint16: 8, int16: 9, uint32: 10,
};
export const CAST_TYPES = Object.keys(CODES) as DType[];

/** The target type a Cast/CastLike node names, when it is known at planning. */
function targetOf(q: SupportQuery): DType | undefined {
  if (q.opKey === 'CastLike') {
    const t = q.inputTypes?.[1];
    return t?.kind === 'tensor' ? t.dtype : undefined;
  }
  const to = q.node.attrs.get('to');
  return to && typeof to.value === 'number' ? dtypeFromOnnx(to.value) : undefined;
}

const castOp: WasmOp<CastParams> = {
  dtypes: CAST_TYPES,
  supports: (q) => {
    const to = targetOf(q);
    return to === undefined || CODES[to] !== undefined ? true : `the wasm Cast kernel does not produce ${to}`;
  },
  accepts: (inputs, p) => inputs[0] instanceof Tensor && CODES[inputs[0].type] !== undefined && CODES[p.to] !== undefined,
  run: (ctx, p) => {
    const x = ctx.inputs[0] as Tensor;
    const y = ctx.out(0, p.to, x.dims);
    if (x.size === 0) return;
    ctx.rt.par('cast', [ctx.in(0).ptr, CODES[x.type]!, y, CODES[p.to]!, x.size], x.size);
  },
};

export const castWasmOps = {
  Cast: castOp,
  CastLike: castOp,
} satisfies Record<string, WasmOp>;
