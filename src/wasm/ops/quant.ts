/**
 * 8-bit integer ops on the int16-pair GEMM (qgemm.c): MatMulInteger, QLinearMatMul, ConvInteger and
 * QLinearConv. Zero points are subtracted while packing; QLinear* requantize with the multiplier
 * scale_a·scale_b/scale_y rounded to float32 as the reference does, then round half to even in double.
 * Constant weights (with constant zero points) are packed once, in prepare().
 */
import type { RuntimeValue } from '../../engine/backend.js';
import type { Node } from '../../engine/ir/graph.js';
import type { ConvParams } from '../../engine/ops/conv.js';
import type { MatMulParams } from '../../engine/ops/matmul.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Runtime } from '../runtime.js';
import { staticParams } from './prepare.js';
import { geo2d, writeGeo } from './structs.js';
import { isTensorOf, type PrepareCtx, type RunCtx, type WasmOp } from './types.js';

const bytes = (v: RuntimeValue | undefined): v is Tensor => isTensorOf(v, 'uint8', 'int8');
const sgn = (t: Tensor) => (t.type === 'int8' ? 1 : 0);
const KP = (K: number) => Math.ceil(K / 2);

/** Zero points as int32 in the heap: [ptr, stride] (stride 0 for one value; none: a single 0). */
function zeroPoints(rt: Runtime, scratch: (n: number) => number, t: Tensor | undefined, n: number): [number, number] {
  const vals = t ? Array.from(t.data as ArrayLike<number>, Number) : [0];
  const ptr = scratch(Math.max(vals.length, 1) * 4);
  rt.i32.set(vals, ptr / 4);
  return [ptr, vals.length === 1 || n === 1 ? 0 : 1];
}

/** Float32 scales: the multiplier array and requant mode (0 scalar, 1 per row, 2 per column, 3 both). */
function multipliers(a: Tensor, b: Tensor, y: Tensor, M: number, N: number): { mode: number; m: Float32Array } {
  const as = a.data as Float32Array, bs = b.data as Float32Array, ys = (y.data as Float32Array)[0]!;
  const rowsVary = as.length > 1, colsVary = bs.length > 1;
  const mode = rowsVary && colsVary ? 3 : rowsVary ? 1 : colsVary ? 2 : 0;
  const R = rowsVary ? M : 1, C = colsVary ? N : 1;
  const m = new Float32Array(R * C);
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) m[i * C + j] = Math.fround(Math.fround(as[rowsVary ? i : 0]! * bs[colsVary ? j : 0]!) / ys);
  return { mode, m };
}

// ---------------------------------------------------------------- MatMulInteger / QLinearMatMul

function runQMatMul(ctx: RunCtx, p: MatMulParams, linear: boolean): void {
  const rt = ctx.rt;
  const { M, K, N } = p;
  const [ai, bi, azi, bzi] = linear ? [0, 3, 2, 5] : [0, 1, 2, 3];
  const A = ctx.inputs[ai] as Tensor, B = ctx.inputs[bi] as Tensor;
  const y = ctx.out(0, linear ? (ctx.inputs[7] as Tensor).type : 'int32', p.outDims);
  const batches = p.outBatch.reduce((x, v) => x * v, 1);
  if (batches * M * N === 0) return;
  const sc = (n: number) => ctx.scratch(n);
  const [az, azs] = zeroPoints(rt, sc, ctx.inputs[azi] as Tensor | undefined, M);
  const [bz, bzs] = zeroPoints(rt, sc, ctx.inputs[bzi] as Tensor | undefined, N);
  const ap = ctx.scratch(Math.ceil(M / 4) * KP(K) * 16);
  const bp = ctx.scratch(Math.ceil(N / 8) * KP(K) * 32);
  const acc = linear ? ctx.scratch(M * N * 4) : 0;
  let mult = 0, mode = 0, yzp = 0;
  if (linear) {
    const q = multipliers(ctx.inputs[1] as Tensor, ctx.inputs[4] as Tensor, ctx.inputs[6] as Tensor, M, N);
    mult = ctx.scratch(q.m.byteLength);
    rt.f32.set(q.m, mult / 4);
    mode = q.mode;
    yzp = Number((ctx.inputs[7] as Tensor).data[0]);
  }
  const a = ctx.in(ai).ptr, b = ctx.in(bi).ptr;
  const rank = p.outBatch.length;
  const stride = (dims: readonly number[]) => {
    const s = new Array<number>(rank).fill(0);
    for (let i = rank - 1, k = 1; i >= 0; i--) { s[i] = dims[i] === 1 ? 0 : k; k *= dims[i]!; }
    return s;
  };
  const sa = stride(p.aBatch), sb = stride(p.bBatch);
  for (let i = 0; i < batches; i++) {
    let oa = 0, ob = 0;
    for (let d = rank - 1, t = i; d >= 0; d--) { const k = t % p.outBatch[d]!; t = Math.floor(t / p.outBatch[d]!); oa += k * sa[d]!; ob += k * sb[d]!; }
    rt.par('qpack_a', [a + oa * M * K, sgn(A), M, K, K, 1, az, azs, ap], M * K);
    rt.par('qpack_b', [b + ob * K * N, sgn(B), K, N, N, 1, bz, bzs, bp], K * N);
    const c = linear ? acc : y + i * M * N * 4;
    rt.par('qgemm_pp', [M, N, K, ap, bp, c, N, 0], M * N * K);
    if (linear) rt.par('requant', [acc, y + i * M * N, M, N, mult, mode, yzp, (ctx.inputs[7] as Tensor).type === 'int8' ? 1 : 0], M * N);
  }
}

const qmatmul = (linear: boolean): WasmOp<MatMulParams> => ({
  dtypes: ['uint8', 'int8'],
  accepts: (inputs) => linear
    ? bytes(inputs[0]) && bytes(inputs[3]) && bytes(inputs[7]) && [1, 4, 6].every((i) => isTensorOf(inputs[i], 'float32'))
    : bytes(inputs[0]) && bytes(inputs[1]),
  run: (ctx, p) => runQMatMul(ctx, p, linear),
});

// ---------------------------------------------------------------- ConvInteger / QLinearConv

interface QConvState { readonly w: Tensor; readonly wz?: Tensor; readonly packed: number }

function packWeights(rt: Runtime, p: ConvParams, g: NonNullable<ReturnType<typeof geo2d>>, w: Tensor, wPtr: number, wz: [number, number], out: number): void {
  const mg = p.outC / g.group, K = (g.inC / g.group) * g.kH * g.kW;
  const per = Math.ceil(mg / 4) * KP(K) * 8;
  for (let gi = 0; gi < g.group; gi++) {
    rt.par('qpack_a', [wPtr + gi * mg * K, sgn(w), mg, K, K, 1, wz[0] + (wz[1] ? gi * mg * 4 : 0), wz[1], out + gi * per * 2], mg * K);
  }
}

function runQConv(ctx: RunCtx, p: ConvParams, linear: boolean): void {
  const rt = ctx.rt;
  const g = geo2d(p.batch, p.inC, p.outC, p.group, p.geo)!;
  const [wi, xzi, wzi] = linear ? [3, 2, 5] : [1, 2, 3];
  const X = ctx.inputs[0] as Tensor, W = ctx.inputs[wi] as Tensor;
  const P = g.outH * g.outW, mg = p.outC / g.group, K = (g.inC / g.group) * g.kH * g.kW;
  const y = ctx.out(0, p.outType, [p.batch, p.outC, ...p.geo.outDims]);
  if (p.batch * p.outC * P === 0) return;
  const sc = (n: number) => ctx.scratch(n);
  const st = ctx.state as QConvState | undefined;
  let wp: number;
  if (st && st.w === W && st.wz === ctx.inputs[wzi]) wp = st.packed;
  else {
    wp = ctx.scratch(Math.ceil(mg / 4) * KP(K) * 16 * g.group);
    packWeights(rt, p, g, W, ctx.in(wi).ptr, zeroPoints(rt, sc, ctx.inputs[wzi] as Tensor | undefined, p.outC), wp);
  }
  const zx = ctx.inputs[xzi] ? Number((ctx.inputs[xzi] as Tensor).data[0]) : 0;
  const bp = ctx.scratch(Math.ceil(P / 8) * KP(K) * 32);
  const acc = linear ? ctx.scratch(mg * P * 4) : 0;
  let bias = 0, mult = 0, mode = 0, yzp = 0;
  if (linear) {
    if (ctx.inputs[8] !== undefined) bias = ctx.in(8).ptr;
    const q = multipliers(ctx.inputs[1] as Tensor, ctx.inputs[4] as Tensor, ctx.inputs[6] as Tensor, 1, p.outC);
    mult = ctx.scratch(q.m.byteLength);
    rt.f32.set(q.m, mult / 4);
    mode = q.mode === 0 ? 0 : 1; // one multiplier, or one per output channel (a row of the GEMM)
    yzp = Number((ctx.inputs[7] as Tensor).data[0]);
  }
  const x = ctx.in(0).ptr;
  const geo = writeGeo(rt, { ...g, batch: 1 });
  const per = Math.ceil(mg / 4) * KP(K) * 8;
  const ysz = p.outType === 'int32' ? 4 : 1;
  for (let b = 0; b < p.batch; b++) {
    for (let gi = 0; gi < g.group; gi++) {
      rt.par('qim2col', [geo, x + (b * p.inC + gi * (g.inC / g.group)) * g.inH * g.inW, sgn(X), zx, bp], P * K);
      const off = (b * p.outC + gi * mg) * P;
      rt.par('qgemm_pp', [mg, P, K, wp + gi * per * 2, bp, linear ? acc : y + off * ysz, P, bias ? bias + gi * mg * 4 : 0], mg * P * K);
      if (linear) rt.par('requant', [acc, y + off, mg, P, mult + (mode ? gi * mg * 4 : 0), mode, yzp, p.outType === 'int8' ? 1 : 0], mg * P);
    }
  }
}

function prepareQConv(linear: boolean) {
  return (node: Node, pc: PrepareCtx): QConvState | undefined => {
    const [wi, wzi] = linear ? [3, 5] : [1, 3];
    const p = staticParams<ConvParams>(pc.graph, node);
    const w = pc.constant(node.inputs[wi]!);
    const wz = node.inputs[wzi] ? pc.constant(node.inputs[wzi]!) : undefined;
    const g = p && geo2d(p.batch, p.inC, p.outC, p.group, p.geo);
    if (!p || !g || !w || !bytes(w) || (node.inputs[wzi] && !wz)) return undefined;
    const mg = p.outC / g.group, K = (g.inC / g.group) * g.kH * g.kW;
    const packed = pc.alloc(Math.ceil(mg / 4) * KP(K) * 16 * g.group);
    const zv = wz ? Array.from(wz.data as ArrayLike<number>, Number) : [0];
    const zp = pc.alloc(zv.length * 4);
    pc.rt.i32.set(zv, zp / 4);
    packWeights(pc.rt, p, g, w, pc.place(w), [zp, zv.length === 1 ? 0 : 1], packed);
    return { w, wz, packed };
  };
}

const qconv = (linear: boolean): WasmOp<ConvParams> => ({
  dtypes: ['uint8', 'int8'],
  accepts: (inputs, p) => geo2d(p.batch, p.inC, p.outC, p.group, p.geo) !== undefined && (linear
    ? bytes(inputs[0]) && bytes(inputs[3]) && bytes(inputs[7]) && [1, 4, 6].every((i) => isTensorOf(inputs[i], 'float32'))
      && (inputs[8] === undefined || isTensorOf(inputs[8], 'int32'))
    : bytes(inputs[0]) && bytes(inputs[1])),
  prepare: prepareQConv(linear),
  run: (ctx, p) => runQConv(ctx, p, linear),
});

export const quantWasmOps = {
  MatMulInteger: qmatmul(false),
  QLinearMatMul: qmatmul(true),
  ConvInteger: qconv(false),
  QLinearConv: qconv(true),
};
