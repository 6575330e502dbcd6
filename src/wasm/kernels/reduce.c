/* Reductions over the middle axis of [outer, r, inner]: Sum, Mean, Max, Min, Prod, SumSquare, L1, L2. */
#include "simd.h"

enum { R_SUM = 0, R_MEAN = 1, R_MAX = 2, R_MIN = 3, R_PROD = 4, R_SUMSQ = 5, R_L1 = 6, R_L2 = 7 };

INLINE vf vinit(i32 k) {
  if (k == R_MAX) return vsplat(-__builtin_inff());
  if (k == R_MIN) return vsplat(__builtin_inff());
  if (k == R_PROD) return vsplat(1.0f);
  return vsplat(0.0f);
}

INLINE vf vstep(i32 k, vf acc, vf v) {
  switch (k) {
    case R_MAX: return wasm_f32x4_max(acc, v);
    case R_MIN: return wasm_f32x4_min(acc, v);
    case R_PROD: return vmul(acc, v);
    case R_SUMSQ: case R_L2: return vmadd(v, v, acc);
    case R_L1: return vadd(acc, wasm_f32x4_abs(v));
    default: return vadd(acc, v);
  }
}

INLINE vf vfinish(i32 k, vf acc, i32 r) {
  if (k == R_MEAN) return vdiv(acc, vsplat((float)r));
  if (k == R_L2) return wasm_f32x4_sqrt(acc);
  return acc;
}

/* Combines the 4 lanes of a partial accumulator. */
INLINE float lanes(i32 k, vf a) {
  vf s = wasm_i32x4_shuffle(a, a, 2, 3, 0, 1);
  vf t = k == R_MAX ? wasm_f32x4_max(a, s) : k == R_MIN ? wasm_f32x4_min(a, s) : k == R_PROD ? vmul(a, s) : vadd(a, s);
  s = wasm_i32x4_shuffle(t, t, 1, 0, 3, 2);
  t = k == R_MAX ? wasm_f32x4_max(t, s) : k == R_MIN ? wasm_f32x4_min(t, s) : k == R_PROD ? vmul(t, s) : vadd(t, s);
  return wasm_f32x4_extract_lane(t, 0);
}

KEXPORT(reduce_f32) void reduce_f32(const float *x, float *y, i32 outer, i32 r, i32 inner, i32 kind, i32 tid, i32 nt) {
  i32 lo, hi;
  if (inner == 1) {
    split_range(outer, 1, tid, nt, &lo, &hi);
    for (i32 o = lo; o < hi; o++) {
      const float *s = x + o * r;
      vf a0 = vinit(kind), a1 = a0;
      i32 i = 0;
      for (; i + 8 <= r; i += 8) { a0 = vstep(kind, a0, vload(s + i)); a1 = vstep(kind, a1, vload(s + i + 4)); }
      for (; i + 4 <= r; i += 4) a0 = vstep(kind, a0, vload(s + i));
      if (i < r) {
        vf t = vinit(kind);
        float tt[4] __attribute__((aligned(16)));
        vstore(tt, t);
        for (i32 j = 0; i + j < r; j++) tt[j] = s[i + j];
        a1 = vstep(kind, a1, vload(tt));
      }
      /* a1's padding lanes hold the identity, so combining is exact for every kind. */
      vf a = kind == R_MAX ? wasm_f32x4_max(a0, a1) : kind == R_MIN ? wasm_f32x4_min(a0, a1) : kind == R_PROD ? vmul(a0, a1) : vadd(a0, a1);
      float v = lanes(kind, a);
      y[o] = wasm_f32x4_extract_lane(vfinish(kind, vsplat(v), r), 0);
    }
    return;
  }
  /* Split outer x inner-blocks of 4. */
  i32 blocks = (inner + 3) / 4;
  split_range(outer * blocks, 1, tid, nt, &lo, &hi);
  for (i32 u = lo; u < hi; u++) {
    i32 o = u / blocks, j = (u - o * blocks) * 4;
    const float *s = x + o * r * inner + j;
    float *d = y + o * inner + j;
    if (j + 4 <= inner) {
      vf a = vinit(kind);
      for (i32 k = 0; k < r; k++) a = vstep(kind, a, vload(s + k * inner));
      vstore(d, vfinish(kind, a, r));
    } else {
      for (i32 jj = 0; j + jj < inner; jj++) {
        vf a = vinit(kind);
        for (i32 k = 0; k < r; k++) a = vstep(kind, a, vsplat(s[k * inner + jj]));
        d[jj] = wasm_f32x4_extract_lane(vfinish(kind, a, r), 0);
      }
    }
  }
}
