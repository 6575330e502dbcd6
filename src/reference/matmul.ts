/** Reference kernels: matmul ops (MatMul, Gemm, MatMulInteger, QLinearMatMul, Det, Einsum). */
import { kernel, type KernelMap, type RuntimeValue } from '../engine/backend.js';
import { fromBigInts, fromNumbers, toBigInts, toNumbers } from '../engine/elements.js';
import { isWideInt } from '../engine/ir/dtype.js';
import { matmulOps as ops, type MatMulParams } from '../engine/ops/matmul.js';
import type { Tensor } from '../engine/tensor.js';
import { broadcastIndex } from './broadcast.js';
import { einsum } from './matmul/einsum.js';
import { gemm, type Src } from './matmul/gemm.js';
import { numericView, perChannel, prod, rint, roundTo, saturate } from './matmul/util.js';

/** out[b] = a[ia[b]] x b[ib[b]] over the broadcast batch, in float64. */
function batchedProduct(p: MatMulParams, a: Src, b: Src): Float64Array {
  const { M, K, N } = p;
  const batch = prod(p.outBatch);
  const out = new Float64Array(batch * M * N);
  if (prod(p.bBatch) === 1 && prod(p.aBatch) === batch) {
    // One B for every batch: the batch folds into the rows of one product.
    gemm(batch * M, N, K, a, 0, K, 1, b, 0, N, 1, out, 0, N, false);
    return out;
  }
  const ia = broadcastIndex(p.aBatch, p.outBatch);
  const ib = broadcastIndex(p.bBatch, p.outBatch);
  for (let i = 0; i < batch; i++) gemm(M, N, K, a, ia[i]! * M * K, K, 1, b, ib[i]! * K * N, N, 1, out, i * M * N, N, false);
  return out;
}

/** Exact int64/uint64 product (plain loops over bigints). */
function bigProduct(p: MatMulParams, a: Tensor, b: Tensor): bigint[] {
  const { M, K, N } = p;
  const x = toBigInts(a);
  const y = toBigInts(b);
  const batch = prod(p.outBatch);
  const ia = broadcastIndex(p.aBatch, p.outBatch);
  const ib = broadcastIndex(p.bBatch, p.outBatch);
  const out = new Array<bigint>(batch * M * N).fill(0n);
  for (let t = 0; t < batch; t++) {
    const ao = ia[t]! * M * K;
    const bo = ib[t]! * K * N;
    for (let i = 0; i < M; i++) {
      for (let k = 0; k < K; k++) {
        const av = x[ao + i * K + k]!;
        if (av === 0n) continue;
        for (let j = 0; j < N; j++) out[(t * M + i) * N + j] = out[(t * M + i) * N + j]! + av * y[bo + k * N + j]!;
      }
    }
  }
  return out;
}

/** Zero-point-shifted integer operands: a - a_zp (per row), b - b_zp (per column), as doubles. */
function shifted(p: MatMulParams, a: Tensor, b: Tensor, azp: Tensor | undefined, bzp: Tensor | undefined): [Float64Array, Float64Array] {
  const x = toNumbers(a);
  const y = toNumbers(b);
  const za = perChannel(azp, p.M, 'a_zero_point');
  const zb = perChannel(bzp, p.N, 'b_zero_point');
  for (let i = 0; i < x.length; i++) x[i] = x[i]! - za[Math.floor(i / p.K) % p.M]!;
  for (let i = 0; i < y.length; i++) y[i] = y[i]! - zb[i % p.N]!;
  return [x, y];
}

function det(v: Float64Array, off: number, n: number): number {
  const m = v.slice(off, off + n * n);
  let d = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[piv * n + c]!)) piv = r;
    const pv = m[piv * n + c]!;
    if (pv === 0) return 0;
    if (piv !== c) {
      for (let k = 0; k < n; k++) {
        const t = m[c * n + k]!;
        m[c * n + k] = m[piv * n + k]!;
        m[piv * n + k] = t;
      }
      d = -d;
    }
    d *= pv;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / pv;
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r * n + k] = m[r * n + k]! - f * m[c * n + k]!;
    }
  }
  return d;
}

export const matmulKernels: KernelMap = {
  MatMul: kernel(ops.MatMul, (inputs, p) => {
    const a = inputs[0] as Tensor;
    const b = inputs[1] as Tensor;
    if (isWideInt(a.type)) return [fromBigInts(p.outType, bigProduct(p, a, b), p.outDims)];
    return [fromNumbers(p.outType, batchedProduct(p, numericView(a), numericView(b)), p.outDims)];
  }),

  Gemm: kernel(ops.Gemm, (inputs, p) => {
    const a = inputs[0] as Tensor;
    const b = inputs[1] as Tensor;
    const c = inputs[2] as Tensor | undefined;
    const { M, N, K } = p;
    const out = new Float64Array(M * N);
    const withC = c !== undefined && p.beta !== 0;
    if (withC) {
      const cv = toNumbers(c);
      const idx = broadcastIndex(c.dims, [M, N]);
      for (let i = 0; i < out.length; i++) out[i] = p.beta * cv[idx[i]!]!;
    }
    gemm(M, N, K, numericView(a), 0, p.transA ? 1 : K, p.transA ? M : 1, numericView(b), 0, p.transB ? 1 : N, p.transB ? K : 1, out, 0, N, withC, p.alpha);
    return [fromNumbers(a.type, out, [M, N])];
  }),

  MatMulInteger: kernel(ops.MatMulInteger, (inputs, p) => {
    const [x, y] = shifted(p, inputs[0] as Tensor, inputs[1] as Tensor, inputs[2] as Tensor | undefined, inputs[3] as Tensor | undefined);
    return [fromNumbers('int32', batchedProduct(p, x, y), p.outDims)];
  }),

  QLinearMatMul: kernel(ops.QLinearMatMul, (inputs, p) => {
    const t = (i: number) => inputs[i] as Tensor;
    const [x, y] = shifted(p, t(0), t(3), t(2), t(5));
    const acc = batchedProduct(p, x, y);
    // The multiplier a_scale * b_scale / y_scale, computed in the scales' own precision.
    const as = perChannel(t(1), p.M, 'a_scale');
    const bs = perChannel(t(4), p.N, 'b_scale');
    const ys = toNumbers(t(6))[0]!;
    const yzp = toNumbers(t(7))[0]!;
    const st = t(1).type;
    const mult = new Float64Array(p.M * p.N);
    for (let i = 0; i < p.M; i++) for (let j = 0; j < p.N; j++) mult[i * p.N + j] = roundTo(st, roundTo(st, as[i]! * bs[j]!) / ys);
    const mn = p.M * p.N;
    for (let i = 0; i < acc.length; i++) acc[i] = saturate(p.outType, rint(acc[i]! * mult[i % mn]! + yzp));
    return [fromNumbers(p.outType, acc, p.outDims)];
  }),

  Det: kernel(ops.Det, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const v = toNumbers(x);
    const out = new Float64Array(p.batch);
    for (let i = 0; i < p.batch; i++) out[i] = det(v, i * p.n * p.n, p.n);
    return [fromNumbers(x.type, out, x.dims.slice(0, -2))];
  }),

  Einsum: kernel(ops.Einsum, (inputs, p) => {
    const ts = inputs as readonly Tensor[];
    const out = einsum(p, ts.map((t) => ({ dims: t.dims, data: toNumbers(t) })));
    return [fromNumbers(ts[0]!.type, out, p.outDims)] as RuntimeValue[];
  }),
};
