/*
 * 8-bit integer GEMM (MatMulInteger, QLinearMatMul, ConvInteger, QLinearConv). Operands, minus their
 * zero points, are packed as int16 pairs along K; the 4x8 micro-kernel multiplies them with
 * i32x4.dot_i16x8_s (two products per lane, exact in int32), like the f32 kernel's register blocking.
 *
 *   packed A: panel p (rows 4p..4p+3), pair kp: A[((p*KP + kp)*4 + r)*2 + {0,1}]
 *   packed B: panel q (cols 8q..8q+7), pair kp: B[((q*KP + kp)*8 + j)*2 + {0,1}]
 */
#include "conv.h"
#include "qdot.h"


INLINE i32 ld8(const u8 *p, i32 sgn) { return sgn ? (i32)(i8)*p : (i32)*p; }

/* Rows [4*p0, 4*p1) of M x K bytes (element (m, k) at a[m*rs + k*cs]) minus zp[m*zs], as A panels. */
KEXPORT(qpack_a) void qpack_a(const u8 *a, i32 sgn, i32 M, i32 K, i32 rs, i32 cs, const i32 *zp, i32 zs, i16 *out, i32 tid, i32 nt) {
  const i32 KP = (K + 1) / 2;
  i32 lo, hi;
  split_range((M + 3) / 4, 1, tid, nt, &lo, &hi);
  for (i32 p = lo; p < hi; p++) {
    i16 *o = out + p * KP * 8;
    for (i32 kp = 0; kp < KP; kp++) {
      for (i32 r = 0; r < 4; r++) {
        const i32 m = p * 4 + r;
        for (i32 h = 0; h < 2; h++) {
          const i32 k = kp * 2 + h;
          o[(kp * 4 + r) * 2 + h] = (m < M && k < K) ? (i16)(ld8(a + m * rs + k * cs, sgn) - zp[m * zs]) : 0;
        }
      }
    }
  }
}

/* Columns of K x N bytes (element (k, n) at b[k*rs + n*cs]) minus zp[n*zs], as B panels. */
KEXPORT(qpack_b) void qpack_b(const u8 *b, i32 sgn, i32 K, i32 N, i32 rs, i32 cs, const i32 *zp, i32 zs, i16 *out, i32 tid, i32 nt) {
  const i32 KP = (K + 1) / 2;
  i32 lo, hi;
  split_range((N + 7) / 8, 1, tid, nt, &lo, &hi);
  for (i32 q = lo; q < hi; q++) {
    i16 *o = out + q * KP * 16;
    for (i32 kp = 0; kp < KP; kp++) {
      for (i32 j = 0; j < 8; j++) {
        const i32 n = q * 8 + j;
        for (i32 h = 0; h < 2; h++) {
          const i32 k = kp * 2 + h;
          o[(kp * 8 + j) * 2 + h] = (n < N && k < K) ? (i16)(ld8(b + k * rs + n * cs, sgn) - zp[n * zs]) : 0;
        }
      }
    }
  }
}

/*
 * Packs im2col of one image's group (channels from x, geometry g) minus the zero point zx, as B panels:
 * rows k = (c, ky, kx), columns the output pixels. Taps in the padding are 0 (the zero point, shifted).
 */
KEXPORT(qim2col) void qim2col(const ConvGeo *g, const u8 *x, i32 sgn, i32 zx, i16 *out, i32 tid, i32 nt) {
  const i32 cg = g->in_c / g->group, KK = g->k_h * g->k_w, K = cg * KK, KP = (K + 1) / 2, N = g->out_h * g->out_w;
  i32 lo, hi;
  split_range((N + 7) / 8, 1, tid, nt, &lo, &hi);
  for (i32 q = lo; q < hi; q++) {
    i16 *o = out + q * KP * 16;
    for (i32 j = 0; j < 8; j++) {
      const i32 n = q * 8 + j;
      const i32 oy = n / g->out_w, ox = n - oy * g->out_w;
      for (i32 k = 0; k < KP * 2; k++) {
        i16 v = 0;
        if (n < N && k < K) {
          const i32 c = k / KK, t = k - c * KK, ky = t / g->k_w, kx = t - ky * g->k_w;
          const i32 iy = oy * g->s_h - g->p_t + ky * g->d_h, ix = ox * g->s_w - g->p_l + kx * g->d_w;
          if (iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w) v = (i16)(ld8(x + (c * g->in_h + iy) * g->in_w + ix, sgn) - zx);
        }
        o[((k >> 1) * 8 + j) * 2 + (k & 1)] = v;
      }
    }
  }
}

/* C (int32, M x N, row stride ldc) = A · B (+ bias[m] when given), from packed panels. */
KEXPORT(qgemm_pp) void qgemm_pp(i32 M, i32 N, i32 K, const i16 *ap, const i16 *bp, i32 *c, i32 ldc, const i32 *bias, i32 tid, i32 nt) {
  const i32 KP = (K + 1) / 2, mp = (M + 3) / 4, np = (N + 7) / 8;
  i32 m_lo = 0, m_hi = mp, n_lo = 0, n_hi = np;
  if (np >= mp) split_range(np, 1, tid, nt, &n_lo, &n_hi);
  else split_range(mp, 1, tid, nt, &m_lo, &m_hi);
  for (i32 q = n_lo; q < n_hi; q++) {
    for (i32 p = m_lo; p < m_hi; p++) {
      const i16 *a = ap + p * KP * 8, *b = bp + q * KP * 16;
      v128_t acc[8];
      for (i32 i = 0; i < 8; i++) acc[i] = wasm_i32x4_splat(0);
      qdot_4x8(a, b, KP, acc);
      i32 t[32] __attribute__((aligned(16)));
      for (i32 i = 0; i < 8; i++) wasm_v128_store(t + i * 4, acc[i]);
      const i32 m0 = p * 4, n0 = q * 8;
      for (i32 r = 0; r < 4 && m0 + r < M; r++) {
        const i32 add = bias ? bias[m0 + r] : 0;
        for (i32 j = 0; j < 8 && n0 + j < N; j++) c[(m0 + r) * ldc + n0 + j] = t[r * 8 + j] + add;
      }
    }
  }
}

/*
 * y = saturate(round_half_even(acc · mult + zp)) to uint8/int8, in double precision (as the reference).
 * mode: 0 one multiplier, 1 one per row, 2 one per column, 3 one per element (rows x cols).
 */
KEXPORT(requant) void requant(const i32 *acc, u8 *y, i32 rows, i32 cols, const float *mult, i32 mode, i32 zp, i32 sgn, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range(rows, 1, tid, nt, &lo, &hi);
  const double lo_v = sgn ? -128.0 : 0.0, hi_v = sgn ? 127.0 : 255.0;
  for (i32 r = lo; r < hi; r++) {
    for (i32 j = 0; j < cols; j++) {
      const i32 i = r * cols + j;
      const float m = mode == 0 ? mult[0] : mode == 1 ? mult[r] : mode == 2 ? mult[j] : mult[i];
      double v = __builtin_rint((double)acc[i] * (double)m + (double)zp);
      v = v < lo_v ? lo_v : v > hi_v ? hi_v : v;
      y[i] = (u8)(i32)v;
    }
  }
}
