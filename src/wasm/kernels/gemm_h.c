/*
 * float16 weights for MatMul/Gemm and Conv: the weights stay float16 in the heap, packed into the same
 * panels as the f32 GEMM (gemm.h) but with 16-bit elements. Each thread converts one panel at a time to
 * float32 in its scratch (K × 8 or K × 4 floats, L1/L2-sized) and reuses it across every tile of the
 * other operand, so the conversion costs one pass over the weights per call, not one per tile.
 */
#include "gemm.h"
#include "half.h"

/* Columns of K x N float16 (element (k, n) at b[k*rs + n*cs]) as float16 B panels; parallel over panels. */
KEXPORT(pack_b_h) void pack_b_h(const u16 *b, i32 K, i32 N, i32 rs, i32 cs, u16 *out, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range((N + NR - 1) / NR, 1, tid, nt, &lo, &hi);
  for (i32 q = lo; q < hi; q++) {
    u16 *o = out + q * K * NR;
    const i32 nv = MIN(NR, N - q * NR);
    for (i32 k = 0; k < K; k++, o += NR) {
      const u16 *s = b + k * rs + q * NR * cs;
      i32 j = 0;
      for (; j < nv; j++) o[j] = s[j * cs];
      for (; j < NR; j++) o[j] = 0;
    }
  }
}

/* Rows of M x K float16 (element (m, k) at a[m*rs + k*cs]) as float16 A panels; parallel over panels. */
KEXPORT(pack_a_h) void pack_a_h(const u16 *a, i32 M, i32 K, i32 rs, i32 cs, u16 *out, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range((M + MR - 1) / MR, 1, tid, nt, &lo, &hi);
  for (i32 p = lo; p < hi; p++) {
    u16 *o = out + p * K * MR;
    const i32 mv = MIN(MR, M - p * MR);
    for (i32 k = 0; k < K; k++, o += MR) {
      i32 r = 0;
      for (; r < mv; r++) o[r] = a[(p * MR + r) * rs + k * cs];
      for (; r < MR; r++) o[r] = 0;
    }
  }
}

/*
 * gemm_pp with float16 B panels: C (M x N) = epilogue(A · B). scratch: K*8 floats per chunk (at
 * scratch + tid*K*8). Threads split the B panels when there are enough, else the A panels.
 */
KEXPORT(gemm_pp_h) void gemm_pp_h(i32 M, i32 N, i32 K, const float *ap, const u16 *bp, float *c, i32 ldc, const Epi *e, float *scratch, i32 tid, i32 nt) {
  const i32 mp = (M + MR - 1) / MR, np = (N + NR - 1) / NR;
  i32 m_lo = 0, m_hi = mp, n_lo = 0, n_hi = np;
  if (np >= nt || np >= mp) split_range(np, 1, tid, nt, &n_lo, &n_hi);
  else split_range(mp, 1, tid, nt, &m_lo, &m_hi);
  if (n_lo >= n_hi || m_lo >= m_hi) return;
  float *b = scratch + tid * K * NR;
  for (i32 q = n_lo; q < n_hi; q++) {
    half_to_f32_n(bp + q * K * NR, b, K * NR);
    const i32 n0 = q * NR, nv = MIN(NR, N - n0);
    for (i32 p = m_lo; p < m_hi; p++) {
      const i32 m0 = p * MR;
      gemm_tile(K, ap + p * K * MR, b, c + m0 * ldc + n0, ldc, e, m0, n0, MIN(MR, M - m0), nv);
    }
  }
}

/* n float16 → float32 (n a multiple of 4 elements are read: callers pad). */
void half_panel_to_f32(const u16 *src, float *dst, i32 n) { half_to_f32_n(src, dst, n); }
