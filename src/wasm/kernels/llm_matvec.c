/*
 * LLM matmul for a few activation rows (decode: one): each weight row is read once, straight from its
 * GGUF blocks, and dotted with each activation row. Threads split the weight rows, so decode streams
 * the weights once over all threads.
 *
 * Quantized weights meet the activations in llm_quant.c's row layout, where each 32-value block is
 * ordered even values 0..14, odd 1..15, even 16..30, odd 17..31. That is the order in which a weight
 * block falls out of its bytes when they are read as int16 lanes: for q4_0, lane L of the 16 nibble
 * bytes holds values 2L (bits 0-3), 2L+16 (4-7), 2L+1 (8-11) and 2L+17 (12-15), so four masks and
 * shifts give four int16 vectors ready for i32x4.dot_i16x8_s, with no widening. Nibbles stay unsigned;
 * q4_0's -8 and q5_0's -16 come off once per block through the activations' integer sums.
 * Four weight rows go together: their four int32 partial sums reduce to one vector, which is scaled
 * by the four rows' block scales at once. K-quants (llm_matvec_k.c) and float weights go row by row.
 */
#include "llm.h"

/* K-quant rows (llm_matvec_k.c). */
float llm_row_k(i32 t, const u8 *w, i32 NS, const i16 *q, const float *d, const float *s, const float *s16);

#define M16(v, m) wasm_v128_and(v, wasm_i16x8_splat(m))
#define SHR16(v, k) wasm_u16x8_shr(v, k)

/* One legacy block in the activation order: four int16 vectors. */
INLINE void eo_legacy(i32 t, const u8 *b, v128_t *w) {
  if (t == LT_Q4_0 || t == LT_Q4_1) {
    const v128_t v = wasm_v128_load(b + (t == LT_Q4_0 ? 2 : 4));
    w[0] = M16(v, 0x000F); w[1] = M16(SHR16(v, 8), 0x000F); w[2] = M16(SHR16(v, 4), 0x000F); w[3] = SHR16(v, 12);
  } else if (t == LT_Q5_0 || t == LT_Q5_1) {
    const i32 off = t == LT_Q5_0 ? 2 : 4;
    const v128_t v = wasm_v128_load(b + off + 4);
    v128_t h0, h1;
    qh_bits(ld32(b + off), &h0, &h1);
    const v128_t lo = wasm_v128_or(wasm_v128_and(v, wasm_i8x16_splat(0x0F)), h0), hi = wasm_v128_or(wasm_u8x16_shr(v, 4), h1);
    w[0] = M16(lo, 0x00FF); w[1] = SHR16(lo, 8); w[2] = M16(hi, 0x00FF); w[3] = SHR16(hi, 8);
  } else { /* q8_0 */
    const v128_t v0 = wasm_v128_load(b + 2), v1 = wasm_v128_load(b + 18);
    w[0] = wasm_i16x8_shr(wasm_i16x8_shl(v0, 8), 8); w[1] = wasm_i16x8_shr(v0, 8);
    w[2] = wasm_i16x8_shr(wasm_i16x8_shl(v1, 8), 8); w[3] = wasm_i16x8_shr(v1, 8);
  }
}

INLINE v128_t dot_eo(const v128_t *w, const v128_t *a) {
  return wasm_i32x4_add(wasm_i32x4_add(wasm_i32x4_dot_i16x8(w[0], a[0]), wasm_i32x4_dot_i16x8(w[1], a[1])),
                        wasm_i32x4_add(wasm_i32x4_dot_i16x8(w[2], a[2]), wasm_i32x4_dot_i16x8(w[3], a[3])));
}

/* [Σ lanes of s0, Σ s1, Σ s2, Σ s3]. */
INLINE v128_t reduce4(v128_t s0, v128_t s1, v128_t s2, v128_t s3) {
  const v128_t t0 = wasm_i32x4_add(wasm_i32x4_shuffle(s0, s1, 0, 4, 1, 5), wasm_i32x4_shuffle(s0, s1, 2, 6, 3, 7));
  const v128_t t1 = wasm_i32x4_add(wasm_i32x4_shuffle(s2, s3, 0, 4, 1, 5), wasm_i32x4_shuffle(s2, s3, 2, 6, 3, 7));
  return wasm_i32x4_add(wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5), wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
}

/* Four float16 scales (finite: the fast conversion) from four blocks. */
INLINE vf h4(const u8 *p0, const u8 *p1, const u8 *p2, const u8 *p3) {
  const v128_t h = wasm_i32x4_make(ld16(p0), ld16(p1), ld16(p2), ld16(p3));
  const vf f = wasm_f32x4_mul(wasm_i32x4_shl(wasm_v128_and(h, wasm_i32x4_splat(0x7fff)), 13), wasm_f32x4_splat(0x1p112f));
  return wasm_v128_or(f, wasm_i32x4_shl(wasm_v128_and(h, wasm_i32x4_splat(0x8000)), 16));
}

/* Rows p[0..3] (q4_0 … q8_0, NB blocks) against one activation row: the four dot products. */
INLINE vf quad_legacy(i32 t, const u8 *p0, const u8 *p1, const u8 *p2, const u8 *p3, i32 NB, const i16 *q, const float *d, const float *s, const i32 *qi) {
  const i32 bb = lt_block_bytes(t), off = t == LT_Q4_0 ? 8 : t == LT_Q5_0 ? 16 : 0;
  vf acc = vsplat(0.0f), accm = acc;
  for (i32 b = 0; b < NB; b++, q += 32, p0 += bb, p1 += bb, p2 += bb, p3 += bb) {
    const v128_t a[4] = {wasm_v128_load(q), wasm_v128_load(q + 8), wasm_v128_load(q + 16), wasm_v128_load(q + 24)};
    v128_t w[4];
    eo_legacy(t, p0, w);
    const v128_t s0 = dot_eo(w, a);
    eo_legacy(t, p1, w);
    const v128_t s1 = dot_eo(w, a);
    eo_legacy(t, p2, w);
    const v128_t s2 = dot_eo(w, a);
    eo_legacy(t, p3, w);
    const v128_t s3 = dot_eo(w, a);
    v128_t sum = reduce4(s0, s1, s2, s3);
    if (off) sum = wasm_i32x4_sub(sum, wasm_i32x4_splat(off * qi[b]));
    acc = vmadd(wasm_f32x4_convert_i32x4(sum), vmul(h4(p0, p1, p2, p3), vsplat(d[b])), acc);
    if (t == LT_Q4_1 || t == LT_Q5_1) accm = vmadd(h4(p0 + 2, p1 + 2, p2 + 2, p3 + 2), vsplat(s[b]), accm);
  }
  return vadd(acc, accm);
}

/* Float weight row (f32, f16, bf16) against a float32 activation row of K values. */
INLINE float row_float(i32 t, const u8 *w, i32 K, const float *x) {
  vf a0 = vsplat(0.0f), a1 = a0, a2 = a0, a3 = a0;
  i32 c = 0;
  if (t == LT_F32) {
    const float *wf = (const float *)w;
    for (; c + 16 <= K; c += 16) {
      a0 = vmadd(vload(wf + c), vload(x + c), a0);
      a1 = vmadd(vload(wf + c + 4), vload(x + c + 4), a1);
      a2 = vmadd(vload(wf + c + 8), vload(x + c + 8), a2);
      a3 = vmadd(vload(wf + c + 12), vload(x + c + 12), a3);
    }
    for (; c + 4 <= K; c += 4) a0 = vmadd(vload(wf + c), vload(x + c), a0);
    float r = hsum(vadd(vadd(a0, a1), vadd(a2, a3)));
    for (; c < K; c++) r += wf[c] * x[c];
    return r;
  }
  const u16 *wh = (const u16 *)w;
  for (; c + 16 <= K; c += 16) {
    vf l0, h0, l1, h1;
    if (t == LT_F16) { load_h8(wh + c, &l0, &h0); load_h8(wh + c + 8, &l1, &h1); }
    else { load_b8(wh + c, &l0, &h0); load_b8(wh + c + 8, &l1, &h1); }
    a0 = vmadd(l0, vload(x + c), a0);
    a1 = vmadd(h0, vload(x + c + 4), a1);
    a2 = vmadd(l1, vload(x + c + 8), a2);
    a3 = vmadd(h1, vload(x + c + 12), a3);
  }
  float r = hsum(vadd(vadd(a0, a1), vadd(a2, a3)));
  for (; c < K; c++) r += (t == LT_F16 ? h2f(wh[c]) : u2f((u32)wh[c] << 16)) * x[c];
  return r;
}

/* Up to 4 weight rows (p[0..nr-1]) against activation row i: res[0..nr-1]. */
static void rows_dot(i32 t, const u8 *const *p, i32 nr, i32 K, const float *x, const i16 *q, const float *d, const float *s, const float *s16,
                     const i32 *qi, i32 i, float *res) {
  const i32 NB = K / 32;
  q += i * K; d += i * NB; s += i * NB; s16 += i * 2 * NB; qi += i * NB;
  if (t >= LT_Q4_0 && t <= LT_Q8_0) {
    vf v;
    switch (t) {
      case LT_Q4_0: v = quad_legacy(LT_Q4_0, p[0], p[1], p[2], p[3], NB, q, d, s, qi); break;
      case LT_Q4_1: v = quad_legacy(LT_Q4_1, p[0], p[1], p[2], p[3], NB, q, d, s, qi); break;
      case LT_Q5_0: v = quad_legacy(LT_Q5_0, p[0], p[1], p[2], p[3], NB, q, d, s, qi); break;
      case LT_Q5_1: v = quad_legacy(LT_Q5_1, p[0], p[1], p[2], p[3], NB, q, d, s, qi); break;
      default: v = quad_legacy(LT_Q8_0, p[0], p[1], p[2], p[3], NB, q, d, s, qi); break;
    }
    float tmp[4] __attribute__((aligned(16)));
    vstore(tmp, v);
    for (i32 j = 0; j < nr; j++) res[j] = tmp[j];
    return;
  }
  for (i32 j = 0; j < nr; j++) {
    switch (t) {
      case LT_F32: res[j] = row_float(LT_F32, p[j], K, x + i * K); break;
      case LT_F16: res[j] = row_float(LT_F16, p[j], K, x + i * K); break;
      case LT_BF16: res[j] = row_float(LT_BF16, p[j], K, x + i * K); break;
      default: res[j] = llm_row_k(t, p[j], K / 256, q, d, s, s16);
    }
  }
}

/*
 * out[i, r] (+)= Σ_c x[i, c] · w[r, c] + bias[r] for activation rows i < n, weight rows r (rows × K of
 * type t). Float types read x; quantized types read the row layout (q, d, s, s16, qi). Threads split
 * the rows in fours.
 */
KEXPORT(llm_matvec) void llm_matvec(i32 t, const u8 *w, i32 rows, i32 K, const float *x, const i16 *q, const float *d, const float *s,
                                    const float *s16, const i32 *qi, i32 n, float *out, const float *bias, i32 acc, i32 tid, i32 nt) {
  const u32 rb = (u32)(K / lt_block_len(t)) * (u32)lt_block_bytes(t);
  i32 lo, hi;
  split_range(rows, 4, tid, nt, &lo, &hi);
  for (i32 r = lo; r < hi; r += 4) {
    const i32 nr = MIN(4, hi - r);
    const u8 *p[4];
    for (i32 j = 0; j < 4; j++) p[j] = w + (u32)(r + MIN(j, nr - 1)) * rb;
    for (i32 i = 0; i < n; i++) {
      float res[4];
      rows_dot(t, p, nr, K, x, q, d, s, s16, qi, i, res);
      for (i32 j = 0; j < nr; j++) {
        const float y = res[j] + (bias ? bias[r + j] : 0.0f);
        float *o = out + i * rows + r + j;
        *o = acc ? *o + y : y;
      }
    }
  }
}
