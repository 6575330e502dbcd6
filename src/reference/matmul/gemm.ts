/**
 * The one matrix-product loop of the reference backend (MatMul, Gemm, Einsum, Conv via im2col,
 * ConvTranspose): C (+)= A x B in float64.
 *
 * A is packed into panels of 4 rows and B, a tile of columns at a time, into panels of 4 columns, so
 * the inner loop reads two sequential streams and keeps a 4x4 block of C in locals (registers). Plain
 * JavaScript, no SIMD: about 2 GMAC/s on one core, which keeps the CNN conformance models in seconds.
 */

/** Element sources kernels read directly (float32/float64 data) or after `toNumbers`. */
export type Src = Float32Array | Float64Array;

const MR = 4;
const NR = 4;

/** Fills `dst` with columns [n0, n0 + nt) of B as NR-column panels: dst[(jb*K + k)*NR + j] = B(k, n0 + jb*NR + j), zero past nt. */
export type PackB = (n0: number, nt: number, dst: Float64Array) => void;

/**
 * Packs A(i, k) = a[off + i*rs + k*cs] (i < M, k < K) into MR-row panels, times `scale`:
 * p[(ib*K + k)*MR + r] = scale * A(ib*MR + r, k), zero rows past M.
 */
export function packA(M: number, K: number, a: Src, off: number, rs: number, cs: number, scale = 1): Float64Array {
  const nb = Math.ceil(M / MR);
  const p = new Float64Array(nb * K * MR);
  for (let ib = 0; ib < nb; ib++) {
    const rows = Math.min(MR, M - ib * MR);
    for (let r = 0; r < rows; r++) {
      let src = off + (ib * MR + r) * rs;
      let dst = ib * K * MR + r;
      for (let k = 0; k < K; k++, src += cs, dst += MR) p[dst] = scale * a[src]!;
    }
  }
  return p;
}

/** B(k, j) = b[off + k*rs + j*cs]. */
export function stridedB(K: number, b: Src, off: number, rs: number, cs: number): PackB {
  return (n0, nt, dst) => {
    const nb = Math.ceil(nt / NR);
    for (let jb = 0; jb < nb; jb++) {
      const cols = Math.min(NR, nt - jb * NR);
      const base = jb * K * NR;
      if (cols < NR) dst.fill(0, base, base + K * NR);
      for (let j = 0; j < cols; j++) {
        let src = off + (n0 + jb * NR + j) * cs;
        let d = base + j;
        for (let k = 0; k < K; k++, src += rs, d += NR) dst[d] = b[src]!;
      }
    }
  };
}

/** Column-tile width: the packed B tile stays around 1 MB. */
function tileWidth(K: number, N: number): number {
  const t = Math.max(NR, Math.min(256, Math.floor(131072 / Math.max(K, 1) / NR) * NR));
  return Math.min(t, Math.ceil(N / NR) * NR);
}

const scratch = new Float64Array(MR * NR);

/**
 * C[cOff + i*ldc + j] = (accumulate ? C : 0) + sum_k A(i, k) B(k, j), with A packed by `packA` and B
 * supplied by `packB`.
 */
export function gemmPacked(M: number, N: number, K: number, ap: Float64Array, packB: PackB, c: Float64Array, cOff: number, ldc: number, accumulate: boolean): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (!accumulate) for (let i = 0; i < M; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + N);
    return;
  }
  const NT = tileWidth(K, N);
  const bp = new Float64Array(K * NT);
  const mb = Math.ceil(M / MR);
  for (let n0 = 0; n0 < N; n0 += NT) {
    const nt = Math.min(NT, N - n0);
    packB(n0, nt, bp);
    const nb = Math.ceil(nt / NR);
    for (let ib = 0; ib < mb; ib++) {
      const mr = Math.min(MR, M - ib * MR);
      for (let jb = 0; jb < nb; jb++) {
        const nr = Math.min(NR, nt - jb * NR);
        micro(K, ap, ib * K * MR, bp, jb * K * NR, c, cOff + ib * MR * ldc + n0 + jb * NR, ldc, mr, nr, accumulate);
      }
    }
  }
}

/** 4x4 block of C from one A panel and one B panel. */
function micro(K: number, ap: Float64Array, ao: number, bp: Float64Array, bo: number, c: Float64Array, co: number, ldc: number, mr: number, nr: number, acc: boolean): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < K; k++) {
    const a0 = ap[ao]!, a1 = ap[ao + 1]!, a2 = ap[ao + 2]!, a3 = ap[ao + 3]!;
    const b0 = bp[bo]!, b1 = bp[bo + 1]!, b2 = bp[bo + 2]!, b3 = bp[bo + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ao += MR;
    bo += NR;
  }
  if (mr === MR && nr === NR) {
    if (acc) {
      c[co] = c[co]! + c00; c[co + 1] = c[co + 1]! + c01; c[co + 2] = c[co + 2]! + c02; c[co + 3] = c[co + 3]! + c03; co += ldc;
      c[co] = c[co]! + c10; c[co + 1] = c[co + 1]! + c11; c[co + 2] = c[co + 2]! + c12; c[co + 3] = c[co + 3]! + c13; co += ldc;
      c[co] = c[co]! + c20; c[co + 1] = c[co + 1]! + c21; c[co + 2] = c[co + 2]! + c22; c[co + 3] = c[co + 3]! + c23; co += ldc;
      c[co] = c[co]! + c30; c[co + 1] = c[co + 1]! + c31; c[co + 2] = c[co + 2]! + c32; c[co + 3] = c[co + 3]! + c33;
    } else {
      c[co] = c00; c[co + 1] = c01; c[co + 2] = c02; c[co + 3] = c03; co += ldc;
      c[co] = c10; c[co + 1] = c11; c[co + 2] = c12; c[co + 3] = c13; co += ldc;
      c[co] = c20; c[co + 1] = c21; c[co + 2] = c22; c[co + 3] = c23; co += ldc;
      c[co] = c30; c[co + 1] = c31; c[co + 2] = c32; c[co + 3] = c33;
    }
    return;
  }
  const s = scratch;
  s[0] = c00; s[1] = c01; s[2] = c02; s[3] = c03; s[4] = c10; s[5] = c11; s[6] = c12; s[7] = c13;
  s[8] = c20; s[9] = c21; s[10] = c22; s[11] = c23; s[12] = c30; s[13] = c31; s[14] = c32; s[15] = c33;
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) c[co + r * ldc + j] = (acc ? c[co + r * ldc + j]! : 0) + s[r * NR + j]!;
  }
}

/**
 * General strided product for few rows (M < 4), where packing B would cost as much as the product:
 * C(i, j) = (accumulate ? C : 0) + alpha * sum_k A(i,k) B(k,j).
 */
export function gemmSmallM(
  M: number, N: number, K: number,
  a: Src, aOff: number, ars: number, acs: number,
  b: Src, bOff: number, brs: number, bcs: number,
  c: Float64Array, cOff: number, ldc: number, accumulate: boolean, alpha = 1,
): void {
  const row = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    row.fill(0);
    const ai = aOff + i * ars;
    if (bcs === 1) {
      // B rows contiguous: row += A(i,k) * B(k, :)
      for (let k = 0; k < K; k++) {
        const av = a[ai + k * acs]!;
        if (av === 0) continue;
        const bk = bOff + k * brs;
        for (let j = 0; j < N; j++) row[j] = row[j]! + av * b[bk + j]!;
      }
    } else {
      // B columns contiguous (or general strides): dot products
      for (let j = 0; j < N; j++) {
        let s = 0;
        let bi = bOff + j * bcs;
        let ak = ai;
        for (let k = 0; k < K; k++, bi += brs, ak += acs) s += a[ak]! * b[bi]!;
        row[j] = s;
      }
    }
    const ci = cOff + i * ldc;
    if (accumulate) for (let j = 0; j < N; j++) c[ci + j] = c[ci + j]! + alpha * row[j]!;
    else for (let j = 0; j < N; j++) c[ci + j] = alpha * row[j]!;
  }
}

/** C (+)= alpha * A x B for strided A and B: picks the packed or the few-rows path. */
export function gemm(
  M: number, N: number, K: number,
  a: Src, aOff: number, ars: number, acs: number,
  b: Src, bOff: number, brs: number, bcs: number,
  c: Float64Array, cOff: number, ldc: number, accumulate: boolean, alpha = 1,
): void {
  if (M < MR) {
    gemmSmallM(M, N, K, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc, accumulate, alpha);
    return;
  }
  gemmPacked(M, N, K, packA(M, K, a, aOff, ars, acs, alpha), stridedB(K, b, bOff, brs, bcs), c, cOff, ldc, accumulate);
}
