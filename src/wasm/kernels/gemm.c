/* f32 GEMM: packing, the 4x8 micro-kernel with its epilogue, and the packed x packed driver. */
#include "gemm.h"
#include "vmath.h"

/* acc[r][0..1] for rows r of one 4x8 tile, over K, starting from the bias. */
#define UKR_BODY                                                                     \
  for (i32 k = 0; k < K; k++) {                                                      \
    vf b0 = vload(bp), b1 = vload(bp + 4);                                           \
    vf a = wasm_v128_load32_splat(ap);                                               \
    c00 = vmadd(a, b0, c00); c01 = vmadd(a, b1, c01);                                \
    a = wasm_v128_load32_splat(ap + 1);                                              \
    c10 = vmadd(a, b0, c10); c11 = vmadd(a, b1, c11);                                \
    a = wasm_v128_load32_splat(ap + 2);                                              \
    c20 = vmadd(a, b0, c20); c21 = vmadd(a, b1, c21);                                \
    a = wasm_v128_load32_splat(ap + 3);                                              \
    c30 = vmadd(a, b0, c30); c31 = vmadd(a, b1, c31);                                \
    ap += MR; bp += NR;                                                              \
  }

INLINE void store_row(float *c, vf lo, vf hi, const float *z, const Epi *e) {
  if (z) { lo = vadd(lo, vload(z)); hi = vadd(hi, vload(z + 4)); }
  i32 act = e->act;
  if (act == ACT_RELU) { lo = vmaxp(lo, vsplat(0.0f)); hi = vmaxp(hi, vsplat(0.0f)); }
  else if (act == ACT_CLIP) {
    lo = vminp(vmaxp(lo, vsplat(e->alpha)), vsplat(e->beta));
    hi = vminp(vmaxp(hi, vsplat(e->alpha)), vsplat(e->beta));
  } else if (act != ACT_NONE) { lo = vact(lo, act, e->alpha, e->beta); hi = vact(hi, act, e->alpha, e->beta); }
  vstore(c, lo); vstore(c + 4, hi);
}

void gemm_tile(i32 K, const float *ap, const float *bp, float *c, i32 ldc, const Epi *e, i32 m0, i32 n0, i32 mv, i32 nv) {
  vf c00, c01, c10, c11, c20, c21, c30, c31;
  const i32 scaled = e->scale != 1.0f;
  if (scaled) {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = vsplat(0.0f);
  } else if (e->bias_mode == 1) {
    const float *b = e->bias + m0;
    c00 = c01 = wasm_v128_load32_splat(b);
    c10 = c11 = wasm_v128_load32_splat(b + 1);
    c20 = c21 = wasm_v128_load32_splat(b + 2);
    c30 = c31 = wasm_v128_load32_splat(b + 3);
  } else if (e->bias_mode == 2) {
    c00 = c10 = c20 = c30 = vload(e->bias + n0);
    c01 = c11 = c21 = c31 = vload(e->bias + n0 + 4);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = vsplat(0.0f);
  }
  UKR_BODY
  if (scaled) {
    vf s = vsplat(e->scale);
    c00 = vmul(c00, s); c01 = vmul(c01, s); c10 = vmul(c10, s); c11 = vmul(c11, s);
    c20 = vmul(c20, s); c21 = vmul(c21, s); c30 = vmul(c30, s); c31 = vmul(c31, s);
    if (e->bias_mode == 1) {
      const float *b = e->bias + m0;
      vf b0 = vsplat(b[0]), b1 = vsplat(b[1]), b2 = vsplat(b[2]), b3 = vsplat(b[3]);
      c00 = vadd(c00, b0); c01 = vadd(c01, b0); c10 = vadd(c10, b1); c11 = vadd(c11, b1);
      c20 = vadd(c20, b2); c21 = vadd(c21, b2); c30 = vadd(c30, b3); c31 = vadd(c31, b3);
    } else if (e->bias_mode == 2) {
      vf lo = vload(e->bias + n0), hi = vload(e->bias + n0 + 4);
      c00 = vadd(c00, lo); c10 = vadd(c10, lo); c20 = vadd(c20, lo); c30 = vadd(c30, lo);
      c01 = vadd(c01, hi); c11 = vadd(c11, hi); c21 = vadd(c21, hi); c31 = vadd(c31, hi);
    }
  }
  const float *z = e->z ? e->z + m0 * e->ldz + n0 : 0;
  i32 ldz = e->ldz;
  if (mv == MR && nv == NR) {
    store_row(c, c00, c01, z, e);
    store_row(c + ldc, c10, c11, z ? z + ldz : 0, e);
    store_row(c + 2 * ldc, c20, c21, z ? z + 2 * ldz : 0, e);
    store_row(c + 3 * ldc, c30, c31, z ? z + 3 * ldz : 0, e);
    return;
  }
  /* Edge tile: finish in a padded buffer, then copy the valid part. */
  float t[MR * NR] __attribute__((aligned(16)));
  vf rows[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
  for (i32 r = 0; r < MR; r++) {
    vstore(t + r * NR, rows[2 * r]);
    vstore(t + r * NR + 4, rows[2 * r + 1]);
    if (z && r < mv) for (i32 j = 0; j < nv; j++) t[r * NR + j] += z[r * ldz + j];
  }
  Epi plain = *e;
  plain.z = 0;
  for (i32 r = 0; r < mv; r++) {
    store_row(t + r * NR, vload(t + r * NR), vload(t + r * NR + 4), 0, &plain);
    for (i32 j = 0; j < nv; j++) c[r * ldc + j] = t[r * NR + j];
  }
}

void pack_b_range(const float *b, i32 K, i32 N, i32 rs, i32 cs, i32 n0, i32 n1, float *out) {
  for (i32 q = n0; q < n1; q += NR) {
    float *o = out + (q - n0) * K;
    i32 nv = MIN(NR, N - q);
    if (nv == NR && cs == 1) {
      const float *s = b + q;
      for (i32 k = 0; k < K; k++, s += rs, o += NR) { vstore(o, vload(s)); vstore(o + 4, vload(s + 4)); }
    } else {
      for (i32 k = 0; k < K; k++, o += NR) {
        const float *s = b + k * rs + q * cs;
        i32 j = 0;
        for (; j < nv; j++) o[j] = s[j * cs];
        for (; j < NR; j++) o[j] = 0.0f;
      }
    }
  }
}

/* Packs rows [4*p0, 4*p1) of M x K (element (m, k) at a[m*rs + k*cs]) into A panels (panel p at out + p*K*4). */
static void pack_a_range(const float *a, i32 M, i32 K, i32 rs, i32 cs, i32 p0, i32 p1, float *out) {
  for (i32 p = p0; p < p1; p++) {
    float *o = out + p * K * MR;
    i32 m = p * MR, mv = MIN(MR, M - m);
    if (mv == MR && cs == 1) {
      const float *r0 = a + m * rs, *r1 = r0 + rs, *r2 = r1 + rs, *r3 = r2 + rs;
      i32 k = 0;
      for (; k + 4 <= K; k += 4, o += 16) {
        /* 4x4 transpose: rows r0..r3, columns k..k+3 → o[k][r] */
        vf x0 = vload(r0 + k), x1 = vload(r1 + k), x2 = vload(r2 + k), x3 = vload(r3 + k);
        vf t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
        vf t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
        vstore(o, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
        vstore(o + 4, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
        vstore(o + 8, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
        vstore(o + 12, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
      }
      for (; k < K; k++, o += MR) { o[0] = r0[k]; o[1] = r1[k]; o[2] = r2[k]; o[3] = r3[k]; }
    } else {
      for (i32 k = 0; k < K; k++, o += MR) {
        i32 r = 0;
        for (; r < mv; r++) o[r] = a[(m + r) * rs + k * cs];
        for (; r < MR; r++) o[r] = 0.0f;
      }
    }
  }
}

/* A panels for M x K at out (size ceil(M/4)*4*K floats). Parallel over panels. */
KEXPORT(pack_a) void pack_a(const float *a, i32 M, i32 K, i32 rs, i32 cs, float *out, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range((M + MR - 1) / MR, 1, tid, nt, &lo, &hi);
  pack_a_range(a, M, K, rs, cs, lo, hi, out);
}

/* B panels for K x N at out (size ceil(N/8)*8*K floats). Parallel over panels. */
KEXPORT(pack_b) void pack_b(const float *b, i32 K, i32 N, i32 rs, i32 cs, float *out, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range((N + NR - 1) / NR, 1, tid, nt, &lo, &hi);
  if (lo < hi) pack_b_range(b, K, N, rs, cs, lo * NR, MIN(hi * NR, N), out + lo * NR * K);
}

/*
 * C (M x N, row stride ldc) = epilogue(A · B) from packed panels. Threads split the panel grid along
 * the dimension with more panels; each output element is computed the same way whatever the split.
 */
KEXPORT(gemm_pp) void gemm_pp(i32 M, i32 N, i32 K, const float *ap, const float *bp, float *c, i32 ldc, const Epi *e, i32 tid, i32 nt) {
  i32 mp = (M + MR - 1) / MR, np = (N + NR - 1) / NR;
  i32 m_lo = 0, m_hi = mp, n_lo = 0, n_hi = np;
  if (np >= mp) split_range(np, 1, tid, nt, &n_lo, &n_hi);
  else split_range(mp, 1, tid, nt, &m_lo, &m_hi);
  for (i32 q = n_lo; q < n_hi; q++) {
    const float *b = bp + q * K * NR;
    i32 n0 = q * NR, nv = MIN(NR, N - n0);
    for (i32 p = m_lo; p < m_hi; p++) {
      i32 m0 = p * MR;
      gemm_tile(K, ap + p * K * MR, b, c + m0 * ldc + n0, ldc, e, m0, n0, MIN(MR, M - m0), nv);
    }
  }
}
