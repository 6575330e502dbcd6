/*
 * K-quant rows for llm_matvec.c: one weight row of NS super-blocks (256 values) against one activation
 * row in the row layout (each 32-block ordered even 0..14, odd 1..15, even 16..30, odd 17..31). Each
 * 32-value sub-block is read as int16 lanes straight from its bytes (see llm_matvec.c), dotted, and
 * scaled by its 6-bit (q4_K, q5_K) or 16-value (q6_K, q3_K, q2_K) integer scales and the super-block's
 * float16 d; minimums (q4_K, q5_K, q2_K) come off through the activations' block sums.
 */
#include "llm.h"

#define M16(v, m) wasm_v128_and(v, wasm_i16x8_splat(m))
#define SHR16(v, k) wasm_u16x8_shr(v, k)
#define SHL16(v, k) wasm_i16x8_shl(v, k)
#define DOT(w, a) wasm_i32x4_dot_i16x8(w, a)

INLINE v128_t dot4(v128_t w0, v128_t w1, v128_t w2, v128_t w3, const i16 *a) {
  return wasm_i32x4_add(wasm_i32x4_add(DOT(w0, wasm_v128_load(a)), DOT(w1, wasm_v128_load(a + 8))),
                        wasm_i32x4_add(DOT(w2, wasm_v128_load(a + 16)), DOT(w3, wasm_v128_load(a + 24))));
}

/* Σ with the first 16 values (w0, w1) scaled by sl and the last 16 (w2, w3) by sh. */
INLINE v128_t dot4s(v128_t w0, v128_t w1, v128_t w2, v128_t w3, i32 sl, i32 sh, const i16 *a) {
  const v128_t lo = wasm_i32x4_add(DOT(w0, wasm_v128_load(a)), DOT(w1, wasm_v128_load(a + 8)));
  const v128_t hi = wasm_i32x4_add(DOT(w2, wasm_v128_load(a + 16)), DOT(w3, wasm_v128_load(a + 24)));
  return wasm_i32x4_add(wasm_i32x4_mul(lo, wasm_i32x4_splat(sl)), wasm_i32x4_mul(hi, wasm_i32x4_splat(sh)));
}

/* Bit k of each byte of h (lanes of two bytes), moved to bit 4: the even and the odd bytes. */
INLINE v128_t bit4_even(v128_t h, i32 k) { return SHL16(M16(SHR16(h, k), 1), 4); }
INLINE v128_t bit4_odd(v128_t h, i32 k) { return SHL16(M16(SHR16(h, 8 + k), 1), 4); }

static float row_q45k(i32 t, const u8 *w, i32 NS, const i16 *q, const float *d, const float *s) {
  const i32 bb = t == LT_Q4_K ? 144 : 176;
  vf acc0 = vsplat(0.0f), acc1 = acc0;
  float mins = 0.0f;
  for (i32 sb = 0; sb < NS; sb++, w += bb) {
    const float D = h2f(ld16(w)), M = h2f(ld16(w + 2));
    const u8 *qs = w + (t == LT_Q4_K ? 16 : 48);
    const v128_t h0 = wasm_v128_load(w + 16), h1 = wasm_v128_load(w + 32);
    for (i32 c = 0; c < 4; c++) {
      const v128_t v0 = wasm_v128_load(qs + 32 * c), v1 = wasm_v128_load(qs + 32 * c + 16);
      v128_t a0 = M16(v0, 0x000F), a1 = M16(SHR16(v0, 8), 0x000F), a2 = M16(v1, 0x000F), a3 = M16(SHR16(v1, 8), 0x000F);
      v128_t b0 = M16(SHR16(v0, 4), 0x000F), b1 = SHR16(v0, 12), b2 = M16(SHR16(v1, 4), 0x000F), b3 = SHR16(v1, 12);
      if (t == LT_Q5_K) {
        a0 = wasm_v128_or(a0, bit4_even(h0, 2 * c)); a1 = wasm_v128_or(a1, bit4_odd(h0, 2 * c));
        a2 = wasm_v128_or(a2, bit4_even(h1, 2 * c)); a3 = wasm_v128_or(a3, bit4_odd(h1, 2 * c));
        b0 = wasm_v128_or(b0, bit4_even(h0, 2 * c + 1)); b1 = wasm_v128_or(b1, bit4_odd(h0, 2 * c + 1));
        b2 = wasm_v128_or(b2, bit4_even(h1, 2 * c + 1)); b3 = wasm_v128_or(b3, bit4_odd(h1, 2 * c + 1));
      }
      i32 s1, m1, s2, m2;
      scale_min_k4(2 * c, w + 4, &s1, &m1);
      scale_min_k4(2 * c + 1, w + 4, &s2, &m2);
      const i32 j = sb * 8 + 2 * c;
      acc0 = vmadd(wasm_f32x4_convert_i32x4(dot4(a0, a1, a2, a3, q + 32 * j)), vsplat(D * (float)s1 * d[j]), acc0);
      acc1 = vmadd(wasm_f32x4_convert_i32x4(dot4(b0, b1, b2, b3, q + 32 * j + 32)), vsplat(D * (float)s2 * d[j + 1]), acc1);
      mins += M * ((float)m1 * s[j] + (float)m2 * s[j + 1]);
    }
  }
  return hsum(vadd(acc0, acc1)) - mins;
}

/* q6_K group: nibbles of x (>> ns) with 2 high bits of h (>> k), minus 32; even and odd bytes. */
#define Q6_EVEN(x, h, ns, k) wasm_i16x8_sub(wasm_v128_or(M16(SHR16(x, ns), 0x000F), M16(SHL16(SHR16(h, k), 4), 0x0030)), o32)
#define Q6_ODD(x, h, ns, k) wasm_i16x8_sub(wasm_v128_or(M16(SHR16(x, 8 + ns), 0x000F), M16(SHR16(h, 4 + k), 0x0030)), o32)

static float row_q6k(const u8 *w, i32 NS, const i16 *q, const float *d) {
  const v128_t o32 = wasm_i16x8_splat(32);
  vf acc0 = vsplat(0.0f), acc1 = acc0;
  for (i32 sb = 0; sb < NS; sb++, w += 210) {
    const float D = h2f(ld16(w + 208));
    for (i32 hf = 0; hf < 2; hf++) {
      const u8 *ql = w + 64 * hf, *qh = w + 128 + 32 * hf;
      const i8 *sc = (const i8 *)(w + 192 + 8 * hf);
      const v128_t A0 = wasm_v128_load(ql), A1 = wasm_v128_load(ql + 16), B0 = wasm_v128_load(ql + 32), B1 = wasm_v128_load(ql + 48);
      const v128_t H0 = wasm_v128_load(qh), H1 = wasm_v128_load(qh + 16);
      const i16 *a = q + 32 * (sb * 8 + hf * 4);
      const float *dd = d + sb * 8 + hf * 4;
      v128_t g0 = dot4s(Q6_EVEN(A0, H0, 0, 0), Q6_ODD(A0, H0, 0, 0), Q6_EVEN(A1, H1, 0, 0), Q6_ODD(A1, H1, 0, 0), sc[0], sc[1], a);
      v128_t g1 = dot4s(Q6_EVEN(B0, H0, 0, 2), Q6_ODD(B0, H0, 0, 2), Q6_EVEN(B1, H1, 0, 2), Q6_ODD(B1, H1, 0, 2), sc[2], sc[3], a + 32);
      acc0 = vmadd(wasm_f32x4_convert_i32x4(g0), vsplat(D * dd[0]), acc0);
      acc1 = vmadd(wasm_f32x4_convert_i32x4(g1), vsplat(D * dd[1]), acc1);
      g0 = dot4s(Q6_EVEN(A0, H0, 4, 4), Q6_ODD(A0, H0, 4, 4), Q6_EVEN(A1, H1, 4, 4), Q6_ODD(A1, H1, 4, 4), sc[4], sc[5], a + 64);
      g1 = dot4s(Q6_EVEN(B0, H0, 4, 6), Q6_ODD(B0, H0, 4, 6), Q6_EVEN(B1, H1, 4, 6), Q6_ODD(B1, H1, 4, 6), sc[6], sc[7], a + 96);
      acc0 = vmadd(wasm_f32x4_convert_i32x4(g0), vsplat(D * dd[2]), acc0);
      acc1 = vmadd(wasm_f32x4_convert_i32x4(g1), vsplat(D * dd[3]), acc1);
    }
  }
  return hsum(vadd(acc0, acc1));
}

/* q2_K / q3_K: 32-block g of a super-block takes bits 2(g%4) of byte run g/4; scales per 16 values. */
static float row_q23k(i32 t, const u8 *w, i32 NS, const i16 *q, const float *d, const float *s16) {
  vf acc = vsplat(0.0f);
  float mins = 0.0f;
  for (i32 sb = 0; sb < NS; sb++) {
    const u8 *b = w + sb * (t == LT_Q2_K ? 84 : 110);
    const u8 *qs = b + (t == LT_Q2_K ? 16 : 32);
    i32 sc[16];
    float D, M = 0.0f;
    v128_t hm0 = wasm_i32x4_splat(0), hm1 = hm0;
    if (t == LT_Q2_K) { D = h2f(ld16(b + 80)); M = h2f(ld16(b + 82)); }
    else { D = h2f(ld16(b + 108)); scales_q3k(b + 96, sc); hm0 = wasm_v128_load(b); hm1 = wasm_v128_load(b + 16); }
    for (i32 g = 0; g < 8; g++) {
      const i32 sh = 2 * (g & 3), j = sb * 8 + g;
      const v128_t x0 = wasm_v128_load(qs + 32 * (g >> 2)), x1 = wasm_v128_load(qs + 32 * (g >> 2) + 16);
      v128_t e0 = M16(SHR16(x0, sh), 3), o0 = M16(SHR16(x0, 8 + sh), 3), e1 = M16(SHR16(x1, sh), 3), o1 = M16(SHR16(x1, 8 + sh), 3);
      i32 sl, sh2;
      if (t == LT_Q2_K) {
        sl = b[2 * g] & 0xF; sh2 = b[2 * g + 1] & 0xF;
        mins += M * ((float)(b[2 * g] >> 4) * s16[2 * j] + (float)(b[2 * g + 1] >> 4) * s16[2 * j + 1]);
      } else {
        /* q - 4 unless the high-mask bit g is set */
        const v128_t four = wasm_i16x8_splat(4);
        e0 = wasm_i16x8_sub(wasm_v128_or(e0, SHL16(M16(SHR16(hm0, g), 1), 2)), four);
        o0 = wasm_i16x8_sub(wasm_v128_or(o0, SHL16(M16(SHR16(hm0, 8 + g), 1), 2)), four);
        e1 = wasm_i16x8_sub(wasm_v128_or(e1, SHL16(M16(SHR16(hm1, g), 1), 2)), four);
        o1 = wasm_i16x8_sub(wasm_v128_or(o1, SHL16(M16(SHR16(hm1, 8 + g), 1), 2)), four);
        sl = sc[2 * g]; sh2 = sc[2 * g + 1];
      }
      acc = vmadd(wasm_f32x4_convert_i32x4(dot4s(e0, o0, e1, o1, sl, sh2, q + 32 * j)), vsplat(D * d[j]), acc);
    }
  }
  return hsum(acc) - mins;
}

float llm_row_k(i32 t, const u8 *w, i32 NS, const i16 *q, const float *d, const float *s, const float *s16) {
  switch (t) {
    case LT_Q4_K: return row_q45k(LT_Q4_K, w, NS, q, d, s);
    case LT_Q5_K: return row_q45k(LT_Q5_K, w, NS, q, d, s);
    case LT_Q6_K: return row_q6k(w, NS, q, d);
    default: return row_q23k(t, w, NS, q, d, s16);
  }
}
