/*
 * Weight panels for the LLM prefill GEMM (llm_gemm.c): 8 weight rows × a run of 32-value blocks,
 * decoded from their GGUF blocks into int16 value pairs, interleaved the way the micro-kernel reads
 * them. Only a panel at a time exists (a few KiB per thread), never a decoded copy of the tensor.
 *
 *   values: block b, pair kp, row j → int16 x2 at wq + ((b*16 + kp)*8 + j)*2
 *   scale:  wd[b*8 + j];  minimums of the two 16-value halves: wm[(b*2 + h)*8 + j]
 *   row j's value = wd · int16 + wm (half)
 * K-quants fold their sub-block scales into the int16 values (at most 31·63, or 32·128 for q6_K).
 * Float weights (f32, f16, bf16) become float32 panels: value (k, j) at wf[k*8 + j].
 */
#include "llm.h"

/* Block bi (32 values) of a weight row → 4 vectors of 8 int16 values, scale, half minimums. */
INLINE void decode32(i32 t, const u8 *row, i32 bi, v128_t *o, float *dw, float *m0, float *m1) {
  if (t <= LT_Q8_0) {
    v128_t lo, hi;
    float mw;
    block32(t, row + bi * lt_block_bytes(t), &lo, &hi, dw, &mw);
    o[0] = wasm_i16x8_extend_low_i8x16(lo); o[1] = wasm_i16x8_extend_high_i8x16(lo);
    o[2] = wasm_i16x8_extend_low_i8x16(hi); o[3] = wasm_i16x8_extend_high_i8x16(hi);
    *m0 = *m1 = mw;
    return;
  }
  const i32 g = bi & 7;
  const u8 *b = row + (bi >> 3) * lt_block_bytes(t);
  const v128_t m4 = wasm_i8x16_splat(0x0F);
  v128_t lo, hi;
  i32 sl, sh;
  *m0 = *m1 = 0.0f;
  if (t == LT_Q4_K || t == LT_Q5_K) {
    const u8 *qs = b + (t == LT_Q4_K ? 16 : 48) + 32 * (g >> 1);
    v128_t v0 = wasm_v128_load(qs), v1 = wasm_v128_load(qs + 16);
    if (g & 1) { lo = wasm_u8x16_shr(v0, 4); hi = wasm_u8x16_shr(v1, 4); }
    else { lo = wasm_v128_and(v0, m4); hi = wasm_v128_and(v1, m4); }
    if (t == LT_Q5_K) {
      const v128_t u = wasm_i8x16_splat((i8)(1 << g)), x10 = wasm_i8x16_splat(0x10);
      lo = wasm_v128_or(lo, wasm_v128_and(wasm_i8x16_eq(wasm_v128_and(wasm_v128_load(b + 16), u), u), x10));
      hi = wasm_v128_or(hi, wasm_v128_and(wasm_i8x16_eq(wasm_v128_and(wasm_v128_load(b + 32), u), u), x10));
    }
    i32 m;
    scale_min_k4(g, b + 4, &sl, &m);
    sh = sl;
    *dw = h2f(ld16(b));
    *m0 = *m1 = -h2f(ld16(b + 2)) * (float)m;
  } else if (t == LT_Q6_K) {
    const i32 hf = g >> 2, gg = g & 3;
    const u8 *ql = b + 64 * hf + (gg & 1) * 32, *qh = b + 128 + 32 * hf;
    v128_t a0 = wasm_v128_load(ql), a1 = wasm_v128_load(ql + 16);
    v128_t h0 = wasm_u8x16_shr(wasm_v128_load(qh), 2 * gg), h1 = wasm_u8x16_shr(wasm_v128_load(qh + 16), 2 * gg);
    if (gg >> 1) { a0 = wasm_u8x16_shr(a0, 4); a1 = wasm_u8x16_shr(a1, 4); }
    const v128_t m3 = wasm_i8x16_splat(3), o32 = wasm_i8x16_splat(32);
    lo = wasm_i8x16_sub(wasm_v128_or(wasm_v128_and(a0, m4), wasm_i8x16_shl(wasm_v128_and(h0, m3), 4)), o32);
    hi = wasm_i8x16_sub(wasm_v128_or(wasm_v128_and(a1, m4), wasm_i8x16_shl(wasm_v128_and(h1, m3), 4)), o32);
    const i8 *sc = (const i8 *)(b + 192 + 8 * hf + 2 * gg);
    sl = sc[0]; sh = sc[1];
    *dw = h2f(ld16(b + 208));
  } else {
    const u8 *qs = b + (t == LT_Q2_K ? 16 : 32) + 32 * (g >> 2);
    const i32 shift = 2 * (g & 3);
    const v128_t m3 = wasm_i8x16_splat(3);
    lo = wasm_v128_and(wasm_u8x16_shr(wasm_v128_load(qs), shift), m3);
    hi = wasm_v128_and(wasm_u8x16_shr(wasm_v128_load(qs + 16), shift), m3);
    if (t == LT_Q2_K) {
      const float M = h2f(ld16(b + 82));
      sl = b[2 * g] & 0xF; sh = b[2 * g + 1] & 0xF;
      *m0 = -M * (float)(b[2 * g] >> 4); *m1 = -M * (float)(b[2 * g + 1] >> 4);
      *dw = h2f(ld16(b + 80));
    } else {
      const v128_t bit = wasm_i8x16_splat((i8)(1 << g)), four = wasm_i8x16_splat(4), zero = wasm_i32x4_splat(0);
      lo = wasm_i8x16_sub(lo, wasm_v128_and(wasm_i8x16_eq(wasm_v128_and(wasm_v128_load(b), bit), zero), four));
      hi = wasm_i8x16_sub(hi, wasm_v128_and(wasm_i8x16_eq(wasm_v128_and(wasm_v128_load(b + 16), bit), zero), four));
      i32 sc[16];
      scales_q3k(b + 96, sc);
      sl = sc[2 * g]; sh = sc[2 * g + 1];
      *dw = h2f(ld16(b + 108));
    }
  }
  const v128_t vl = wasm_i16x8_splat((i16)sl), vh = wasm_i16x8_splat((i16)sh);
  o[0] = wasm_i16x8_mul(wasm_i16x8_extend_low_i8x16(lo), vl);
  o[1] = wasm_i16x8_mul(wasm_i16x8_extend_high_i8x16(lo), vl);
  o[2] = wasm_i16x8_mul(wasm_i16x8_extend_low_i8x16(hi), vh);
  o[3] = wasm_i16x8_mul(wasm_i16x8_extend_high_i8x16(hi), vh);
}

/*
 * Panel of rows [r0, r0+8) (rows past `rows` are zeros), blocks [b0, b0+nb) of a quantized weight with
 * row stride rb bytes.
 */
void llm_unpack_q(i32 t, const u8 *w, i32 rows, u32 rb, i32 r0, i32 b0, i32 nb, i16 *wq, float *wd, float *wm) {
  for (i32 j = 0; j < 8; j++) {
    const i32 r = r0 + j;
    if (r >= rows) {
      for (i32 b = 0; b < nb; b++) {
        for (i32 kp = 0; kp < 16; kp++) { wq[((b * 16 + kp) * 8 + j) * 2] = 0; wq[((b * 16 + kp) * 8 + j) * 2 + 1] = 0; }
        wd[b * 8 + j] = 0.0f; wm[b * 16 + j] = 0.0f; wm[b * 16 + 8 + j] = 0.0f;
      }
      continue;
    }
    const u8 *row = w + (u32)r * rb;
    for (i32 b = 0; b < nb; b++) {
      v128_t o[4];
      decode32(t, row, b0 + b, o, &wd[b * 8 + j], &wm[b * 16 + j], &wm[b * 16 + 8 + j]);
      i16 *dst = wq + (b * 16 * 8 + j) * 2;
      for (i32 m = 0; m < 4; m++) {
        wasm_v128_store32_lane(dst + ((4 * m + 0) * 8) * 2, o[m], 0);
        wasm_v128_store32_lane(dst + ((4 * m + 1) * 8) * 2, o[m], 1);
        wasm_v128_store32_lane(dst + ((4 * m + 2) * 8) * 2, o[m], 2);
        wasm_v128_store32_lane(dst + ((4 * m + 3) * 8) * 2, o[m], 3);
      }
    }
  }
}

/* Float panel: rows [r0, r0+8), values [k0, k0+kn) → wf[k*8 + j]. */
void llm_unpack_f(i32 t, const u8 *w, i32 rows, i32 K, i32 r0, i32 k0, i32 kn, float *wf) {
  for (i32 j = 0; j < 8; j++) {
    const i32 r = r0 + j;
    if (r >= rows) { for (i32 k = 0; k < kn; k++) wf[k * 8 + j] = 0.0f; continue; }
    if (t == LT_F32) {
      const float *src = (const float *)w + (u32)r * (u32)K + k0;
      for (i32 k = 0; k < kn; k++) wf[k * 8 + j] = src[k];
    } else {
      const u16 *src = (const u16 *)w + (u32)r * (u32)K + k0;
      i32 k = 0;
      for (; k + 8 <= kn; k += 8) {
        vf lo, hi;
        float tmp[8] __attribute__((aligned(16)));
        if (t == LT_F16) load_h8(src + k, &lo, &hi); else load_b8(src + k, &lo, &hi);
        vstore(tmp, lo); vstore(tmp + 4, hi);
        for (i32 e = 0; e < 8; e++) wf[(k + e) * 8 + j] = tmp[e];
      }
      for (; k < kn; k++) wf[k * 8 + j] = t == LT_F16 ? h2f(src[k]) : u2f((u32)src[k] << 16);
    }
  }
}
