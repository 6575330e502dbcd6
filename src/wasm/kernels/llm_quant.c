/*
 * Activation quantization for the LLM matmuls (see llm.h): each 32-value block of a float32 row becomes
 * int8 values q = round(x / d) with d = max|x| / 127, stored widened to int16, plus d, d·Σq and the two
 * half sums d·Σq over values 0..15 and 16..31 (q2_K has a minimum per 16 values).
 *
 * Row layout (decode): row i's values at q + i*K, each block's 32 in the order even values 0..14, odd
 *   1..15, even 16..30, odd 17..31 (what the matvec kernels' int16 lanes hold, see llm_matvec.c); its
 *   scales at d + i*NB, sums at s + i*NB, half sums at s16 + i*2NB, integer sums Σq at qi + i*NB.
 * Panel layout (prefill GEMM): rows in panels of 4 (missing rows are zeros); for panel p, block b and
 *   value pair kp (values 2kp, 2kp+1 of the block), the pairs of rows 0..3 are 8 int16 at
 *   q + ((p*NB + b)*16 + kp)*8; d, s at [(p*NB + b)*4 + r], half sums at [((p*NB + b)*2 + h)*4 + r].
 */
#include "llm.h"

/*
 * Levels of the activation quantization: ±8191 (14 bits) rather than llama.cpp's ±127. WASM SIMD128's
 * integer dot product multiplies int16 lanes (i32x4.dot_i16x8_s), so int8 activations would be widened
 * anyway: 14-bit ones cost the same and make the quantization error negligible (1/16382 of a block's
 * largest value instead of 1/254). The bound keeps every int32 sum exact: at most 32 products per
 * block of |w| ≤ 4096 (q6_K's (q-32)·scale, the largest folded weight) × 8191.
 */
#define QMAX 8191.0f

/* One block of 32 floats → 4 vectors of int16 (8 values each) and the block's d, Σq (halves). */
INLINE void quant_block(const float *x, v128_t *o, float *d, float *s0, float *s1, i32 *i0, i32 *i1) {
  vf v[8];
  vf amax = vsplat(0.0f);
  for (i32 i = 0; i < 8; i++) {
    v[i] = vload(x + 4 * i);
    amax = wasm_f32x4_max(amax, wasm_f32x4_abs(v[i]));
  }
  amax = wasm_f32x4_max(amax, wasm_i32x4_shuffle(amax, amax, 2, 3, 0, 1));
  amax = wasm_f32x4_max(amax, wasm_i32x4_shuffle(amax, amax, 1, 0, 3, 2));
  const float m = wasm_f32x4_extract_lane(amax, 0);
  const float dd = m / QMAX;
  const vf id = vsplat(m > 0.0f ? QMAX / m : 0.0f);
  v128_t sum0 = wasm_i32x4_splat(0), sum1 = sum0;
  for (i32 i = 0; i < 8; i += 2) {
    v128_t a = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(vmul(v[i], id)));
    v128_t b = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(vmul(v[i + 1], id)));
    if (i < 4) sum0 = wasm_i32x4_add(sum0, wasm_i32x4_add(a, b));
    else sum1 = wasm_i32x4_add(sum1, wasm_i32x4_add(a, b));
    o[i / 2] = wasm_i16x8_narrow_i32x4(a, b);
  }
  *d = dd;
  i32 t0 = wasm_i32x4_extract_lane(sum0, 0) + wasm_i32x4_extract_lane(sum0, 1) + wasm_i32x4_extract_lane(sum0, 2) + wasm_i32x4_extract_lane(sum0, 3);
  i32 t1 = wasm_i32x4_extract_lane(sum1, 0) + wasm_i32x4_extract_lane(sum1, 1) + wasm_i32x4_extract_lane(sum1, 2) + wasm_i32x4_extract_lane(sum1, 3);
  *s0 = dd * (float)t0;
  *s1 = dd * (float)t1;
  *i0 = t0;
  *i1 = t1;
}

/* Rows 0..n-1 of x (K a multiple of 32), row layout; parallel over rows. */
KEXPORT(llm_quant_rows) void llm_quant_rows(const float *x, i32 n, i32 K, i32 ldx, i16 *q, float *d, float *s, float *s16, i32 *qi, i32 tid, i32 nt) {
  const i32 NB = K / 32;
  i32 lo, hi;
  split_range(n, 1, tid, nt, &lo, &hi);
  for (i32 i = lo; i < hi; i++) {
    for (i32 b = 0; b < NB; b++) {
      v128_t o[4];
      float dd, s0, s1;
      i32 t0, t1;
      quant_block(x + i * ldx + b * 32, o, &dd, &s0, &s1, &t0, &t1);
      i16 *qo = q + i * K + b * 32;
      wasm_v128_store(qo, wasm_i16x8_shuffle(o[0], o[1], 0, 2, 4, 6, 8, 10, 12, 14));
      wasm_v128_store(qo + 8, wasm_i16x8_shuffle(o[0], o[1], 1, 3, 5, 7, 9, 11, 13, 15));
      wasm_v128_store(qo + 16, wasm_i16x8_shuffle(o[2], o[3], 0, 2, 4, 6, 8, 10, 12, 14));
      wasm_v128_store(qo + 24, wasm_i16x8_shuffle(o[2], o[3], 1, 3, 5, 7, 9, 11, 13, 15));
      d[i * NB + b] = dd;
      s[i * NB + b] = s0 + s1;
      s16[(i * NB + b) * 2] = s0;
      s16[(i * NB + b) * 2 + 1] = s1;
      qi[i * NB + b] = t0 + t1;
    }
  }
}

/* Rows 0..n-1 of x in the panel layout (ceil(n/4) panels); parallel over panels. */
KEXPORT(llm_quant_panels) void llm_quant_panels(const float *x, i32 n, i32 K, i32 ldx, i16 *q, float *d, float *s, float *s16, i32 tid, i32 nt) {
  const i32 NB = K / 32, P = (n + 3) / 4;
  i32 lo, hi;
  split_range(P, 1, tid, nt, &lo, &hi);
  for (i32 p = lo; p < hi; p++) {
    for (i32 b = 0; b < NB; b++) {
      v128_t o[4][4];
      const i32 at = p * NB + b;
      for (i32 r = 0; r < 4; r++) {
        const i32 row = p * 4 + r;
        float dd = 0.0f, s0 = 0.0f, s1 = 0.0f;
        i32 t0, t1;
        if (row < n) quant_block(x + row * ldx + b * 32, o[r], &dd, &s0, &s1, &t0, &t1);
        else for (i32 j = 0; j < 4; j++) o[r][j] = wasm_i32x4_splat(0);
        d[at * 4 + r] = dd;
        s[at * 4 + r] = s0 + s1;
        s16[(at * 2) * 4 + r] = s0;
        s16[(at * 2 + 1) * 4 + r] = s1;
      }
      /* o[r][j] holds pairs kp = 4j..4j+3 of row r (as i32 lanes): transpose to [kp][r]. */
      i16 *qo = q + at * 16 * 8;
      for (i32 j = 0; j < 4; j++) {
        v128_t x0 = o[0][j], x1 = o[1][j], x2 = o[2][j], x3 = o[3][j];
        v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
        v128_t t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
        wasm_v128_store(qo + (4 * j + 0) * 8, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
        wasm_v128_store(qo + (4 * j + 1) * 8, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
        wasm_v128_store(qo + (4 * j + 2) * 8, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
        wasm_v128_store(qo + (4 * j + 3) * 8, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
      }
    }
  }
}
