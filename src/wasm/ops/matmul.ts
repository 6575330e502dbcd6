/**
 * MatMul, Gemm, kiln.FusedMatMul and kiln.FusedGemm (float32, and float16 through ops/f16.ts) on the
 * packed GEMM core. A constant right operand (the weights) is packed into B panels once, in prepare(),
 * and only the panels are kept (float16 weights as float16 panels, converted a panel at a time by
 * gemm_pp_h); the left operand is packed per run (in parallel), and every batch of a MatMul with 2-D
 * weights becomes one tall GEMM.
 */
import type { Node } from '../../engine/ir/graph.js';
import type { FusedGemmParams, FusedMatMulParams } from '../../engine/ops/fused.js';
import type { GemmParams, MatMulParams } from '../../engine/ops/matmul.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Runtime } from '../runtime.js';
import { halfToFloat } from './f16.js';
import { staticParams } from './prepare.js';
import { BIAS_COL, BIAS_NONE, BIAS_ROW, writeEpi } from './structs.js';
import { isTensorOf, type PrepareCtx, type RunCtx, type WasmOp } from './types.js';

const panelsB = (K: number, N: number) => Math.ceil(N / 8) * 8 * K;
const panelsA = (M: number, K: number) => Math.ceil(M / 4) * 4 * K;

interface PackedB { readonly b: Tensor; readonly ptr: number; readonly half: boolean }
interface BiasState { readonly t: Tensor; readonly ptr: number }
interface GemmState { readonly B?: PackedB; readonly bias?: BiasState }

function packB(rt: Runtime, src: number, K: number, N: number, rs: number, cs: number, out: number): void {
  rt.par('pack_b', [src, K, N, rs, cs, out], K * N);
}

/**
 * A constant weight (element (k, n) at b[k*rs + n*cs]) packed into B panels for the session: float32
 * panels, or float16 panels for a float16 weight. The raw weight only passes through the heap.
 */
function packConstB(pc: PrepareCtx, b: Tensor, K: number, N: number, rs: number, cs: number): PackedB {
  const half = b.type === 'float16';
  const ptr = pc.alloc(panelsB(K, N) * (half ? 2 : 4));
  const src = b.data as Float32Array | Uint16Array;
  const raw = pc.rt.heap.alloc(src.byteLength);
  pc.rt.u8.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), raw);
  pc.rt.par(half ? 'pack_b_h' : 'pack_b', [raw, K, N, rs, cs, ptr], K * N);
  pc.rt.heap.release(raw);
  return { b, ptr, half };
}

/** C (M x N) = epilogue(A' · B') with A' (m, k) at a[m*ars + k*acs]; B panels at bp (float16 when `half`). */
function gemm(rt: Runtime, ctx: RunCtx, M: number, N: number, K: number, a: number, ars: number, acs: number, bp: number, c: number, epi: number, half = false): void {
  const ap = ctx.scratch(panelsA(M, K) * 4);
  rt.par('pack_a', [a, M, K, ars, acs, ap], M * K);
  if (half) rt.par('gemm_pp_h', [M, N, K, ap, bp, c, N, epi, ctx.scratch(rt.slices * K * 8 * 4)], M * N * K);
  else rt.par('gemm_pp', [M, N, K, ap, bp, c, N, epi], M * N * K);
}

/** A constant bias as float32 values (float16 biases of float16 graphs converted). */
const biasValues = (t: Tensor): Float32Array => (t.type === 'float16' ? halfToFloat(t.data as Uint16Array) : t.data as Float32Array);
const isFloat = (t: Tensor | undefined): t is Tensor => t !== undefined && (t.type === 'float32' || t.type === 'float16');

/** A bias of n floats padded for whole panels, in scratch or a session block. */
function padded(rt: Runtime, ptr: number, src: ArrayLike<number>, n: number, scale = 1, fill?: number): number {
  const f = rt.f32;
  f.fill(0, ptr / 4, ptr / 4 + Math.ceil(n / 8) * 8 + 8);
  if (fill !== undefined) f.fill(fill * scale, ptr / 4, ptr / 4 + n);
  else for (let i = 0; i < n; i++) f[ptr / 4 + i] = src[i]! * scale;
  return ptr;
}

// ---------------------------------------------------------------- MatMul / FusedMatMul

function prepareMatMul(node: Node, pc: PrepareCtx): GemmState | undefined {
  const p = staticParams<MatMulParams>(pc.graph, node);
  const b = pc.constant(node.inputs[1]!);
  if (!p || !isFloat(b) || b.dims.length < 2 || p.bBatch.some((d) => d !== 1)) return undefined;
  const B = packConstB(pc, b, p.K, p.N, p.N, 1);
  let bias: BiasState | undefined;
  const bt = node.inputs[2] ? pc.constant(node.inputs[2]) : undefined;
  if (isFloat(bt)) bias = { t: bt, ptr: padded(pc.rt, pc.alloc((Math.ceil(p.N / 8) * 8 + 8) * 4), biasValues(bt), p.N) };
  return { B, bias };
}

function runMatMul(ctx: RunCtx, p: MatMulParams | FusedMatMulParams): void {
  const rt = ctx.rt;
  const { M, K, N } = p;
  const batches = p.outBatch.reduce((x, y) => x * y, 1);
  const y = ctx.out(0, 'float32', p.outDims);
  if (batches * M * N === 0) return;
  const st = ctx.state as GemmState | undefined;
  const fused = 'activation' in p ? p : undefined;
  let bias = 0;
  if (fused?.hasBias) {
    bias = st?.bias && ctx.inputs[2] === st.bias.t ? st.bias.ptr
      : padded(rt, ctx.scratch((Math.ceil(N / 8) * 8 + 8) * 4), rt.view('float32', ctx.in(2).ptr, N) as Float32Array, N);
  }
  const z = fused?.hasZ ? ctx.in(3).ptr : 0;
  const a = ctx.in(0).ptr;
  const bBroadcast = p.bBatch.every((d) => d === 1);
  if (bBroadcast) {
    // Every batch of A against the same B: one GEMM of (batches·M) rows.
    let bp: number;
    const half = !!st?.B && ctx.inputs[1] === st.B.b && st.B.half;
    if (st?.B && ctx.inputs[1] === st.B.b) bp = st.B.ptr;
    else {
      bp = ctx.scratch(panelsB(K, N) * 4);
      packB(rt, ctx.in(1).ptr, K, N, N, 1, bp);
    }
    const epi = writeEpi(rt, bias, BIAS_COL, z, N, fused?.activation, fused?.alpha ?? 1);
    gemm(rt, ctx, batches * M, N, K, a, K, 1, bp, y, epi, half);
    return;
  }
  const b = ctx.in(1).ptr;
  const bp = ctx.scratch(panelsB(K, N) * 4);
  const rank = p.outBatch.length;
  const stride = (dims: readonly number[]) => {
    const s = new Array<number>(rank).fill(0);
    for (let i = rank - 1, acc = 1; i >= 0; i--) { s[i] = dims[i] === 1 ? 0 : acc; acc *= dims[i]!; }
    return s;
  };
  const sa = stride(p.aBatch);
  const sb = stride(p.bBatch);
  for (let i = 0; i < batches; i++) {
    let ai = 0, bi = 0;
    for (let d = rank - 1, t = i; d >= 0; d--) {
      const k = t % p.outBatch[d]!;
      t = Math.floor(t / p.outBatch[d]!);
      ai += k * sa[d]!;
      bi += k * sb[d]!;
    }
    packB(rt, b + bi * K * N * 4, K, N, N, 1, bp);
    const epi = writeEpi(rt, bias, BIAS_COL, z ? z + i * M * N * 4 : 0, N, fused?.activation, fused?.alpha ?? 1);
    gemm(rt, ctx, M, N, K, a + ai * M * K * 4, K, 1, bp, y + i * M * N * 4, epi);
  }
}

const matmulAccepts = (inputs: readonly unknown[]): boolean =>
  isTensorOf(inputs[0] as never, 'float32') && isTensorOf(inputs[1] as never, 'float32')
  && (inputs[2] === undefined || isTensorOf(inputs[2] as never, 'float32'))
  && (inputs[3] === undefined || isTensorOf(inputs[3] as never, 'float32'));

const matmulOp: WasmOp<MatMulParams> = { accepts: matmulAccepts, prepare: prepareMatMul, run: runMatMul };

// ---------------------------------------------------------------- Gemm / FusedGemm

function prepareGemm(node: Node, pc: PrepareCtx): GemmState | undefined {
  const p = staticParams<GemmParams>(pc.graph, node);
  const b = pc.constant(node.inputs[1]!);
  if (!p || !isFloat(b)) return undefined;
  return { B: packConstB(pc, b, p.K, p.N, p.transB ? 1 : p.N, p.transB ? p.K : 1) };
}

function runGemm(ctx: RunCtx, p: GemmParams | FusedGemmParams): void {
  const rt = ctx.rt;
  const { M, K, N } = p;
  const y = ctx.out(0, 'float32', [M, N]);
  if (M * N === 0) return;
  const st = ctx.state as GemmState | undefined;
  let bp: number;
  const half = !!st?.B && ctx.inputs[1] === st.B.b && st.B.half;
  if (st?.B && ctx.inputs[1] === st.B.b) bp = st.B.ptr;
  else {
    bp = ctx.scratch(panelsB(K, N) * 4);
    packB(rt, ctx.in(1).ptr, K, N, p.transB ? 1 : N, p.transB ? K : 1, bp);
  }
  // C: a row or column bias, or a full [M, N] residual, times beta. (Scratch first: views die when memory grows.)
  let bias = 0, mode = BIAS_NONE, z = 0;
  if (p.cDims && p.beta !== 0) {
    const cd = [...new Array<number>(2 - p.cDims.length).fill(1), ...p.cDims];
    if (cd[0] === M && M !== 1 && cd[1] === 1) {
      mode = BIAS_ROW;
      bias = ctx.scratch((Math.ceil(M / 8) * 8 + 8) * 4);
      padded(rt, bias, ctx.host(2) as Float32Array, M, p.beta);
    } else if (cd[0] === 1) {
      mode = BIAS_COL;
      bias = ctx.scratch((Math.ceil(N / 8) * 8 + 8) * 4);
      const c = ctx.host(2) as Float32Array;
      padded(rt, bias, c, N, p.beta, cd[1] === 1 ? c[0]! : undefined);
    } else {
      z = ctx.scratch(M * N * 4);
      const src = ctx.host(2) as Float32Array;
      const f = rt.f32;
      for (let i = 0; i < M * N; i++) f[z / 4 + i] = src[i]! * p.beta;
    }
  }
  const fused = 'activation' in p ? p : undefined;
  const epi = writeEpi(rt, bias, mode, z, N, fused?.activation, p.alpha);
  gemm(rt, ctx, M, N, K, ctx.in(0).ptr, p.transA ? 1 : K, p.transA ? M : 1, bp, y, epi, half);
}

const gemmOp: WasmOp<GemmParams> = { accepts: (inputs) => matmulAccepts(inputs), prepare: prepareGemm, run: runGemm };

export const matmulWasmOps = {
  MatMul: matmulOp,
  'kiln.FusedMatMul': matmulOp,
  Gemm: gemmOp,
  'kiln.FusedGemm': gemmOp,
};
