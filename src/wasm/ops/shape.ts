/**
 * Data movement for any fixed-width element type: the reshape family (aliases, no copy), Transpose,
 * Concat, Split, Slice, Expand (strided N-d copies) and Gather.
 */
import type { RuntimeValue } from '../../engine/backend.js';
import { DTYPES, type DType } from '../../engine/ir/dtype.js';
import type { ConcatParams, GatherParams, ReshapeParams, SliceParams, SplitParams, TileParams, TransposeParams } from '../../engine/ops/shape.js';
import { Tensor } from '../../engine/tensor.js';
import { writeCopy } from './structs.js';
import type { RunCtx, WasmOp } from './types.js';

/** Bytes per element for types the copy kernels move (1, 2, 4 or 8), else undefined. */
function elemSize(t: DType): number | undefined {
  const info = DTYPES[t];
  if (t === 'string' || info.kind === 'block' || info.kind === 'complex' || info.bits < 8) return undefined;
  return info.bits / 8;
}

const plain = (v: RuntimeValue | undefined): v is Tensor => v instanceof Tensor && elemSize(v.type) !== undefined;

const stridesOf = (dims: readonly number[]) => {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
};

/**
 * Copies with dims and element strides (src, dst), merging dims that are contiguous in both and
 * dropping size-1 dims, so most calls need 1 to 3 dims.
 */
function copy(ctx: RunCtx, elem: number, src: number, dst: number, dims: readonly number[], ss: readonly number[], ds: readonly number[]): void {
  const d: number[] = [], s: number[] = [], t: number[] = [];
  dims.forEach((n, i) => {
    if (n === 1) return;
    const k = d.length - 1;
    if (k >= 0 && s[k] === ss[i]! * n && t[k] === ds[i]! * n) { d[k] = d[k]! * n; s[k] = ss[i]!; t[k] = ds[i]!; return; }
    d.push(n); s.push(ss[i]!); t.push(ds[i]!);
  });
  if (d.length === 0) { d.push(1); s.push(1); t.push(1); }
  if (d.length > 6) {
    // Loop the leading dims here.
    const lead = d.length - 6;
    const outer = d.slice(0, lead).reduce((a, b) => a * b, 1);
    for (let o = 0; o < outer; o++) {
      let so = 0, dof = 0;
      for (let i = lead - 1, r = o; i >= 0; i--) { const k = r % d[i]!; r = Math.floor(r / d[i]!); so += k * s[i]!; dof += k * t[i]!; }
      copy(ctx, elem, src + so * elem, dst + dof * elem, d.slice(lead), s.slice(lead), t.slice(lead));
    }
    return;
  }
  const work = d.reduce((a, b) => a * b, 1);
  ctx.rt.par('copy_nd', [src, dst, writeCopy(ctx.rt, elem, d, s, t)], work * elem / 4);
}

const aliasOp: WasmOp<ReshapeParams> = {
  dtypes: 'any',
  accepts: (inputs) => inputs[0] instanceof Tensor,
  run: (ctx, p) => ctx.alias(0, 0, p.dims ?? (ctx.inputs[0] as Tensor).dims),
};

const transposeOp: WasmOp<TransposeParams> = {
  dtypes: 'any',
  accepts: (inputs) => plain(inputs[0]),
  run: (ctx, p) => {
    const x = ctx.inputs[0] as Tensor;
    const outDims = p.perm.map((a) => p.inDims[a]!);
    const y = ctx.out(0, x.type, outDims);
    if (x.size === 0) return;
    const e = elemSize(x.type)!;
    const inS = stridesOf(p.inDims);
    copy(ctx, e, ctx.in(0).ptr, y, outDims, p.perm.map((a) => inS[a]!), stridesOf(outDims));
  },
};

const concatOp: WasmOp<ConcatParams> = {
  dtypes: 'any',
  accepts: (inputs) => inputs.every(plain),
  run: (ctx, p) => {
    const x0 = ctx.inputs[0] as Tensor;
    const y = ctx.out(0, x0.type, p.outDims);
    const e = elemSize(x0.type)!;
    const outer = p.outDims.slice(0, p.axis).reduce((a, b) => a * b, 1);
    const rowOut = p.outDims.slice(p.axis).reduce((a, b) => a * b, 1);
    let off = 0;
    ctx.inputs.forEach((v, i) => {
      const t = v as Tensor;
      const row = t.dims.slice(p.axis).reduce((a, b) => a * b, 1);
      if (t.size > 0) copy(ctx, e, ctx.in(i).ptr, y + off * e, [outer, row], [row, 1], [rowOut, 1]);
      off += row;
    });
  },
};

const splitOp: WasmOp<SplitParams> = {
  dtypes: 'any',
  accepts: (inputs) => plain(inputs[0]),
  run: (ctx, p) => {
    const x = ctx.inputs[0] as Tensor;
    const e = elemSize(x.type)!;
    const outer = p.inDims.slice(0, p.axis).reduce((a, b) => a * b, 1);
    const inner = p.inDims.slice(p.axis + 1).reduce((a, b) => a * b, 1);
    const rowIn = p.inDims[p.axis]! * inner;
    let off = 0;
    p.sizes.forEach((n, k) => {
      const dims = p.inDims.map((d, a) => (a === p.axis ? n : d));
      const y = ctx.out(k, x.type, dims);
      if (outer * n * inner > 0) copy(ctx, e, ctx.in(0).ptr + off * inner * e, y, [outer, n * inner], [rowIn, 1], [n * inner, 1]);
      off += n;
    });
  },
};

const sliceOp: WasmOp<SliceParams> = {
  dtypes: 'any',
  accepts: (inputs) => plain(inputs[0]),
  run: (ctx, p) => {
    const x = ctx.inputs[0] as Tensor;
    const y = ctx.out(0, x.type, p.outDims);
    if (p.outDims.some((d) => d === 0)) return;
    const e = elemSize(x.type)!;
    const inS = stridesOf(p.inDims);
    const start = p.starts.reduce((a, s, i) => a + s * inS[i]!, 0);
    copy(ctx, e, ctx.in(0).ptr + start * e, y, p.outDims, inS.map((s, i) => s * p.steps[i]!), stridesOf(p.outDims));
  },
};

const expandOp: WasmOp<TileParams> = {
  dtypes: 'any',
  accepts: (inputs) => plain(inputs[0]),
  run: (ctx, p) => {
    const x = ctx.inputs[0] as Tensor;
    const y = ctx.out(0, x.type, p.outDims);
    if (p.outDims.some((d) => d === 0)) return;
    const e = elemSize(x.type)!;
    const r = p.outDims.length;
    const inDims = [...new Array<number>(r - p.inDims.length).fill(1), ...p.inDims];
    const inS = stridesOf(inDims).map((s, i) => (inDims[i] === 1 ? 0 : s));
    copy(ctx, e, ctx.in(0).ptr, y, p.outDims, inS, stridesOf(p.outDims));
  },
};

/** Indices as int32, negatives wrapped; undefined when one is out of range (the reference reports it). */
function indicesOf(idx: Tensor, data: ArrayLike<number | bigint>, axisLen: number): Int32Array | undefined {
  const out = new Int32Array(idx.size);
  for (let i = 0; i < idx.size; i++) {
    let v = Number(data[i]!);
    if (v < 0) v += axisLen;
    if (!(v >= 0 && v < axisLen)) return undefined;
    out[i] = v;
  }
  return out;
}

const gatherOp: WasmOp<GatherParams> = {
  dtypes: 'any',
  accepts: (inputs, p) => {
    const x = inputs[0];
    const idx = inputs[1];
    if (!plain(x) || !(idx instanceof Tensor) || (idx.type !== 'int64' && idx.type !== 'int32')) return false;
    return indicesOf(idx, idx.data as ArrayLike<number | bigint>, x.dims[p.axis]!) !== undefined;
  },
  run: (ctx, p) => {
    const x = ctx.inputs[0] as Tensor;
    const idx = ctx.inputs[1] as Tensor;
    const outDims = [...x.dims.slice(0, p.axis), ...idx.dims, ...x.dims.slice(p.axis + 1)];
    const y = ctx.out(0, x.type, outDims);
    const e = elemSize(x.type)!;
    const outer = x.dims.slice(0, p.axis).reduce((a, b) => a * b, 1);
    const inner = x.dims.slice(p.axis + 1).reduce((a, b) => a * b, 1);
    if (outer * idx.size * inner === 0) return;
    const ind = indicesOf(idx, ctx.host(1) as ArrayLike<number | bigint>, x.dims[p.axis]!)!;
    const ip = ctx.scratch(ind.byteLength);
    const xp = ctx.in(0).ptr;
    ctx.rt.i32.set(ind, ip / 4);
    ctx.rt.par('gather_rows', [xp, ip, y, outer, x.dims[p.axis]!, idx.size, inner * e], outer * idx.size * inner * e / 4);
  },
};

export const ALIAS_OPS: ReadonlySet<string> = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity']);

export const shapeWasmOps = {
  Reshape: aliasOp,
  Flatten: aliasOp,
  Squeeze: aliasOp,
  Unsqueeze: aliasOp,
  Identity: aliasOp,
  Transpose: transposeOp,
  Concat: concatOp,
  Split: splitOp,
  Slice: sliceOp,
  Expand: expandOp,
  Gather: gatherOp,
};
