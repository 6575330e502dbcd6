/*
 * Shared pieces of the LLM kernels (llm_*.c): GGUF block layouts, float16/bfloat16 conversion, and the
 * int8 dot products behind the quantized matmuls.
 *
 * Quantized matmuls never expand a weight to float32. Activations are quantized per 32-value block to
 * int8 (d = max|x|/127, as llama.cpp's q8_0/q8_1), stored widened to int16 so that one
 * i32x4.dot_i16x8_s multiplies 8 of them; `xs` keeps d·Σq per block for the types with a per-block
 * minimum (q4_1, q5_1, q4_K, q5_K). A weight block decodes to int8 lanes (w_lo: values 0..15,
 * w_hi: 16..31), widened and dotted against the activation block:
 *
 *   Σ_c x[c]·w[c] ≈ Σ_blocks (dw · xd) · Σ_i q_w[i]·q_x[i]  (+ mw · xs for types with minimums)
 *
 * K-quants fold their 6-bit (q4_K, q5_K) or int8 (q6_K) sub-block scales into the integer sum, so a
 * 32-block always has one float scale dw and one minimum mw.
 */
#ifndef KILN_LLM_H
#define KILN_LLM_H
#include "simd.h"


/* Weight type codes (mirrored in src/wasm/llm/types.ts). */
#define LT_F32 0
#define LT_F16 1
#define LT_BF16 2
#define LT_Q4_0 3
#define LT_Q4_1 4
#define LT_Q5_0 5
#define LT_Q5_1 6
#define LT_Q8_0 7
#define LT_Q4_K 8
#define LT_Q5_K 9
#define LT_Q6_K 10
#define LT_Q3_K 11
#define LT_Q2_K 12

/* Bytes per block and values per block of each type. */
INLINE i32 lt_block_bytes(i32 t) {
  switch (t) {
    case LT_F32: return 4; case LT_F16: case LT_BF16: return 2;
    case LT_Q4_0: return 18; case LT_Q4_1: return 20; case LT_Q5_0: return 22; case LT_Q5_1: return 24;
    case LT_Q8_0: return 34; case LT_Q4_K: return 144; case LT_Q5_K: return 176; case LT_Q6_K: return 210;
    case LT_Q3_K: return 110; case LT_Q2_K: return 84;
    default: return 0;
  }
}
INLINE i32 lt_block_len(i32 t) { return t <= LT_BF16 ? 1 : t <= LT_Q8_0 ? 32 : 256; }
/* Whether the type has a per-block minimum (the dot needs the activation sums). */
INLINE i32 lt_has_min(i32 t) { return t == LT_Q4_1 || t == LT_Q5_1 || t == LT_Q4_K || t == LT_Q5_K || t == LT_Q2_K; }

INLINE u32 f2u(float f) { u32 u; __builtin_memcpy(&u, &f, 4); return u; }
INLINE float u2f(u32 u) { float f; __builtin_memcpy(&f, &u, 4); return f; }
INLINE u16 ld16(const u8 *p) { u16 v; __builtin_memcpy(&v, p, 2); return v; }
INLINE u32 ld32(const u8 *p) { u32 v; __builtin_memcpy(&v, p, 4); return v; }

/* float16 → float32, exact for every finite value (normal and subnormal); block scales are finite. */
INLINE float h2f(u16 h) {
  float f = u2f((u32)(h & 0x7fff) << 13) * 0x1p112f;
  return u2f(f2u(f) | ((u32)(h & 0x8000) << 16));
}

/* Four float16 in the low halves of i32 lanes → float32, exact including inf and NaN. */
INLINE vf vh2f(v128_t h) {
  v128_t mag = wasm_i32x4_shl(wasm_v128_and(h, wasm_i32x4_splat(0x7fff)), 13);
  vf f = wasm_f32x4_mul(mag, wasm_f32x4_splat(0x1p112f));
  v128_t inf = wasm_i32x4_ge(mag, wasm_i32x4_splat(0x7c00 << 13));
  f = wasm_v128_or(f, wasm_v128_and(inf, wasm_i32x4_splat(0x7f800000)));
  return wasm_v128_or(f, wasm_i32x4_shl(wasm_v128_and(h, wasm_i32x4_splat(0x8000)), 16));
}

/* Eight float16 at p → two float32 vectors. */
INLINE void load_h8(const u16 *p, vf *lo, vf *hi) {
  v128_t h = wasm_v128_load(p);
  *lo = vh2f(wasm_u32x4_extend_low_u16x8(h));
  *hi = vh2f(wasm_u32x4_extend_high_u16x8(h));
}

/* Eight bfloat16 at p → two float32 vectors. */
INLINE void load_b8(const u16 *p, vf *lo, vf *hi) {
  v128_t h = wasm_v128_load(p);
  *lo = wasm_i32x4_shl(wasm_u32x4_extend_low_u16x8(h), 16);
  *hi = wasm_i32x4_shl(wasm_u32x4_extend_high_u16x8(h), 16);
}

/* Σ of the four lanes. */
INLINE float hsum(vf v) {
  v = vadd(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = vadd(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

/* i32x4 partial sums of Σ w[i]·a[i] over 16 int8 weights (lanes) against 16 int16 activations at a. */
INLINE v128_t dot16(v128_t w, const i16 *a) {
  v128_t p0 = wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(w), wasm_v128_load(a));
  v128_t p1 = wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(w), wasm_v128_load(a + 8));
  return wasm_i32x4_add(p0, p1);
}

/* The same over 32 values: w_lo holds values 0..15, w_hi 16..31. */
INLINE v128_t dot32(v128_t w_lo, v128_t w_hi, const i16 *a) {
  return wasm_i32x4_add(dot16(w_lo, a), dot16(w_hi, a + 16));
}

/* 6-bit scale and minimum j (0..7) of a q4_K / q5_K super-block (ggml's get_scale_min_k4). */
INLINE void scale_min_k4(i32 j, const u8 *q, i32 *sc, i32 *m) {
  if (j < 4) { *sc = q[j] & 63; *m = q[j + 4] & 63; }
  else { *sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4); *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4); }
}

/* q3_K's sixteen 6-bit scales (minus 32), unpacked from 12 bytes. */
INLINE void scales_q3k(const u8 *s, i32 *out) {
  for (i32 j = 0; j < 16; j++) {
    i32 lo = j < 8 ? (s[j] & 0xF) : (s[j - 8] >> 4);
    i32 hi = (s[8 + (j & 3)] >> (2 * (j >> 2))) & 3;
    out[j] = (lo | (hi << 4)) - 32;
  }
}

/* Bits of 32 high-bit flags (qh) as 0x10 bytes: lanes 0..15 ← bits 0..15, lanes 16..31 ← bits 16..31. */
INLINE void qh_bits(u32 qh, v128_t *lo, v128_t *hi) {
  const v128_t sel = wasm_u8x16_make(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);
  v128_t v = wasm_i32x4_splat((i32)qh);
  v128_t b0 = wasm_i8x16_shuffle(v, v, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
  v128_t b1 = wasm_i8x16_shuffle(v, v, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
  *lo = wasm_v128_and(wasm_i8x16_eq(wasm_v128_and(b0, sel), sel), wasm_i8x16_splat(0x10));
  *hi = wasm_v128_and(wasm_i8x16_eq(wasm_v128_and(b1, sel), sel), wasm_i8x16_splat(0x10));
}

/*
 * One 32-value block of a legacy type (q4_0 … q8_0) as int8 lanes plus its scale and minimum.
 * Value i = dw·q[i] + mw.
 */
INLINE void block32(i32 t, const u8 *b, v128_t *lo, v128_t *hi, float *dw, float *mw) {
  const v128_t m4 = wasm_i8x16_splat(0x0F);
  switch (t) {
    case LT_Q4_0: {
      v128_t q = wasm_v128_load(b + 2);
      *lo = wasm_i8x16_sub(wasm_v128_and(q, m4), wasm_i8x16_splat(8));
      *hi = wasm_i8x16_sub(wasm_u8x16_shr(q, 4), wasm_i8x16_splat(8));
      *dw = h2f(ld16(b)); *mw = 0.0f;
      return;
    }
    case LT_Q4_1: {
      v128_t q = wasm_v128_load(b + 4);
      *lo = wasm_v128_and(q, m4); *hi = wasm_u8x16_shr(q, 4);
      *dw = h2f(ld16(b)); *mw = h2f(ld16(b + 2));
      return;
    }
    case LT_Q5_0: case LT_Q5_1: {
      const i32 off = t == LT_Q5_0 ? 2 : 4;
      v128_t q = wasm_v128_load(b + off + 4), h0, h1;
      qh_bits(ld32(b + off), &h0, &h1);
      *lo = wasm_v128_or(wasm_v128_and(q, m4), h0);
      *hi = wasm_v128_or(wasm_u8x16_shr(q, 4), h1);
      if (t == LT_Q5_0) { *lo = wasm_i8x16_sub(*lo, wasm_i8x16_splat(16)); *hi = wasm_i8x16_sub(*hi, wasm_i8x16_splat(16)); }
      *dw = h2f(ld16(b)); *mw = t == LT_Q5_1 ? h2f(ld16(b + 2)) : 0.0f;
      return;
    }
    default: /* LT_Q8_0 */
      *lo = wasm_v128_load(b + 2); *hi = wasm_v128_load(b + 18);
      *dw = h2f(ld16(b)); *mw = 0.0f;
  }
}

#endif
