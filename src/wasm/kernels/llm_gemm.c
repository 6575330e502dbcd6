/*
 * LLM prefill matmul: out (n × rows) (+)= x (n × K) · Wᵀ + bias, for a batch of activation rows.
 * Each thread takes a range of 8-row weight panels. For 64 activation rows at a time and 256 values of
 * K at a time it decodes the weight panel once (llm_unpack.c) and runs a 4×8 register-blocked
 * micro-kernel over the activation panels:
 *   quantized weights: int16 pairs against the int16 activation panels (llm_quant.c), one
 *     i32x4.dot_i16x8_s per 2 values × 4 outputs, scaled to float once per 32-value block;
 *   float weights: the f32 4×8 kernel over packed f32 activation panels (gemm.c's pack_a layout).
 * The 4×8 output tile is read and written once per 256 values of K, so one weight panel is decoded
 * rows/64 times in all and the activation slab (64 rows × 256 values) stays in L2.
 */
#include "llm.h"
#include "qdot.h"

#define TB 16   /* activation panels (of 4 rows) per outer block: 64 rows */
#define KCB 8   /* 32-value blocks per K chunk: 256 values */
#define KCF 256 /* float kernel: values per K chunk */

typedef struct {
  i32 type, rows, K, n;
  const u8 *w;
  const i16 *aq;    /* quantized activations, panel layout */
  const float *ad, *as16;
  const float *af;  /* float activations, f32 panels: value (r, k) of panel p at af[p*K*4 + k*4 + r] */
  float *out;
  const float *bias;
  i32 acc;
  u8 *scratch;      /* per chunk: scratch + tid * scratch_stride */
  i32 scratch_stride;
} LlmGemm;

void llm_unpack_q(i32 t, const u8 *w, i32 rows, u32 rb, i32 r0, i32 b0, i32 nb, i16 *wq, float *wd, float *wm);
void llm_unpack_f(i32 t, const u8 *w, i32 rows, i32 K, i32 r0, i32 k0, i32 kn, float *wf);

/* The 4×8 output tile at (rows m0.., cols n0..) into t (row r at t + 8r): out or 0, plus bias, on the first chunk. */
static void tile_load(const LlmGemm *g, i32 m0, i32 n0, i32 first, float *t) {
  const i32 mv = MIN(4, g->n - m0), nv = MIN(8, g->rows - n0);
  for (i32 r = 0; r < 4; r++) {
    for (i32 j = 0; j < 8; j++) {
      float v = 0.0f;
      if (r < mv && j < nv) {
        if (!first || g->acc) v = g->out[(m0 + r) * g->rows + n0 + j];
        if (first && g->bias) v += g->bias[n0 + j];
      }
      t[r * 8 + j] = v;
    }
  }
}

static void tile_store(const LlmGemm *g, i32 m0, i32 n0, const float *t) {
  const i32 mv = MIN(4, g->n - m0), nv = MIN(8, g->rows - n0);
  for (i32 r = 0; r < mv; r++) for (i32 j = 0; j < nv; j++) g->out[(m0 + r) * g->rows + n0 + j] = t[r * 8 + j];
}

#define SPLAT_LANE(v, i) wasm_i32x4_shuffle(v, v, i, i, i, i)

/* nb blocks of one activation panel (a, ad, as16 at its first block) against a weight panel, into t. */
static void qtile(const i16 *a, const float *ad, const float *as16, const i16 *wq, const float *wd, const float *wm, i32 nb, i32 mins, float *t) {
  vf f00 = vload(t), f01 = vload(t + 4), f10 = vload(t + 8), f11 = vload(t + 12);
  vf f20 = vload(t + 16), f21 = vload(t + 20), f30 = vload(t + 24), f31 = vload(t + 28);
  for (i32 b = 0; b < nb; b++) {
    v128_t c[8];
    for (i32 i = 0; i < 8; i++) c[i] = wasm_i32x4_splat(0);
    qdot_4x8(a, wq, 16, c);
    a += 16 * 8;
    wq += 16 * 16;
    const v128_t c00 = c[0], c01 = c[1], c10 = c[2], c11 = c[3], c20 = c[4], c21 = c[5], c30 = c[6], c31 = c[7];
    const vf w0 = vload(wd + b * 8), w1 = vload(wd + b * 8 + 4), da = vload(ad + b * 4);
    vf s = SPLAT_LANE(da, 0);
    f00 = vmadd(wasm_f32x4_convert_i32x4(c00), vmul(w0, s), f00); f01 = vmadd(wasm_f32x4_convert_i32x4(c01), vmul(w1, s), f01);
    s = SPLAT_LANE(da, 1);
    f10 = vmadd(wasm_f32x4_convert_i32x4(c10), vmul(w0, s), f10); f11 = vmadd(wasm_f32x4_convert_i32x4(c11), vmul(w1, s), f11);
    s = SPLAT_LANE(da, 2);
    f20 = vmadd(wasm_f32x4_convert_i32x4(c20), vmul(w0, s), f20); f21 = vmadd(wasm_f32x4_convert_i32x4(c21), vmul(w1, s), f21);
    s = SPLAT_LANE(da, 3);
    f30 = vmadd(wasm_f32x4_convert_i32x4(c30), vmul(w0, s), f30); f31 = vmadd(wasm_f32x4_convert_i32x4(c31), vmul(w1, s), f31);
    if (mins) {
      for (i32 h = 0; h < 2; h++) {
        const vf m0 = vload(wm + (b * 2 + h) * 8), m1 = vload(wm + (b * 2 + h) * 8 + 4), sa = vload(as16 + (b * 2 + h) * 4);
        s = SPLAT_LANE(sa, 0); f00 = vmadd(m0, s, f00); f01 = vmadd(m1, s, f01);
        s = SPLAT_LANE(sa, 1); f10 = vmadd(m0, s, f10); f11 = vmadd(m1, s, f11);
        s = SPLAT_LANE(sa, 2); f20 = vmadd(m0, s, f20); f21 = vmadd(m1, s, f21);
        s = SPLAT_LANE(sa, 3); f30 = vmadd(m0, s, f30); f31 = vmadd(m1, s, f31);
      }
    }
  }
  vstore(t, f00); vstore(t + 4, f01); vstore(t + 8, f10); vstore(t + 12, f11);
  vstore(t + 16, f20); vstore(t + 20, f21); vstore(t + 24, f30); vstore(t + 28, f31);
}

/* kn values of one f32 activation panel (a at its first value) against a float weight panel, into t. */
static void ftile(const float *a, const float *wf, i32 kn, float *t) {
  vf c00 = vload(t), c01 = vload(t + 4), c10 = vload(t + 8), c11 = vload(t + 12);
  vf c20 = vload(t + 16), c21 = vload(t + 20), c30 = vload(t + 24), c31 = vload(t + 28);
  for (i32 k = 0; k < kn; k++, a += 4, wf += 8) {
    vf b0 = vload(wf), b1 = vload(wf + 4);
    vf x = wasm_v128_load32_splat(a);
    c00 = vmadd(x, b0, c00); c01 = vmadd(x, b1, c01);
    x = wasm_v128_load32_splat(a + 1);
    c10 = vmadd(x, b0, c10); c11 = vmadd(x, b1, c11);
    x = wasm_v128_load32_splat(a + 2);
    c20 = vmadd(x, b0, c20); c21 = vmadd(x, b1, c21);
    x = wasm_v128_load32_splat(a + 3);
    c30 = vmadd(x, b0, c30); c31 = vmadd(x, b1, c31);
  }
  vstore(t, c00); vstore(t + 4, c01); vstore(t + 8, c10); vstore(t + 12, c11);
  vstore(t + 16, c20); vstore(t + 20, c21); vstore(t + 24, c30); vstore(t + 28, c31);
}

/* Scratch bytes per chunk (the JS side sizes g->scratch_stride with it). */
KEXPORT(llm_gemm_scratch) i32 llm_gemm_scratch(void) {
  const i32 q = KCB * (16 * 8 * 2 * 2 + 8 * 4 + 16 * 4);
  const i32 f = KCF * 8 * 4;
  return (q > f ? q : f) + 256;
}

KEXPORT(llm_gemm) void llm_gemm(const LlmGemm *g, i32 tid, i32 nt) {
  const i32 t = g->type, K = g->K, P = (g->n + 3) / 4, NP = (g->rows + 7) / 8;
  i32 lo, hi;
  split_range(NP, 1, tid, nt, &lo, &hi);
  if (lo >= hi) return;
  u8 *scr = g->scratch + (u32)tid * (u32)g->scratch_stride;
  float tile[32] __attribute__((aligned(16)));
  if (t <= LT_BF16) {
    float *wf = (float *)scr;
    for (i32 p0 = 0; p0 < P; p0 += TB) {
      const i32 p1 = MIN(P, p0 + TB);
      for (i32 k0 = 0; k0 < K; k0 += KCF) {
        const i32 kn = MIN(KCF, K - k0);
        for (i32 q = lo; q < hi; q++) {
          llm_unpack_f(t, g->w, g->rows, K, q * 8, k0, kn, wf);
          for (i32 p = p0; p < p1; p++) {
            tile_load(g, p * 4, q * 8, k0 == 0, tile);
            ftile(g->af + (u32)p * (u32)K * 4 + k0 * 4, wf, kn, tile);
            tile_store(g, p * 4, q * 8, tile);
          }
        }
      }
    }
    return;
  }
  const i32 NB = K / 32, mins = lt_has_min(t);
  const u32 rb = (u32)(K / lt_block_len(t)) * (u32)lt_block_bytes(t);
  i16 *wq = (i16 *)scr;
  float *wd = (float *)(scr + KCB * 16 * 8 * 2 * 2), *wm = wd + KCB * 8;
  for (i32 p0 = 0; p0 < P; p0 += TB) {
    const i32 p1 = MIN(P, p0 + TB);
    for (i32 b0 = 0; b0 < NB; b0 += KCB) {
      const i32 nb = MIN(KCB, NB - b0);
      for (i32 q = lo; q < hi; q++) {
        llm_unpack_q(t, g->w, g->rows, rb, q * 8, b0, nb, wq, wd, wm);
        for (i32 p = p0; p < p1; p++) {
          const u32 at = (u32)p * (u32)NB + (u32)b0;
          tile_load(g, p * 4, q * 8, b0 == 0, tile);
          qtile(g->aq + at * 128, g->ad + at * 4, g->as16 + at * 8, wq, wd, wm, nb, mins, tile);
          tile_store(g, p * 4, q * 8, tile);
        }
      }
    }
  }
}
