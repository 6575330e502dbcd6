/* Unary elementwise ops and activations on contiguous f32 data. */
#include "vmath.h"

/* Op codes 0..15 are the activations of vmath.h; the rest are the math functions below. */
enum {
  U_EXP = 16, U_LOG = 17, U_SQRT = 18, U_ABS = 19, U_NEG = 20, U_RECIP = 21, U_ERF = 22, U_FLOOR = 23,
  U_CEIL = 24, U_ROUND = 25, U_SIGN = 26, U_SOFTSIGN = 27, U_SOFTPLUS = 28, U_ELU = 29
};

INLINE vf vunary(vf x, i32 op, float alpha, float beta) {
  switch (op) {
    case U_EXP: return vexp(x);
    case U_LOG: return vlog(x);
    case U_SQRT: return wasm_f32x4_sqrt(x);
    case U_ABS: return wasm_f32x4_abs(x);
    case U_NEG: return wasm_f32x4_neg(x);
    case U_RECIP: return vdiv(vsplat(1.0f), x);
    case U_ERF: return verf(x);
    case U_FLOOR: return wasm_f32x4_floor(x);
    case U_CEIL: return wasm_f32x4_ceil(x);
    case U_ROUND: return wasm_f32x4_nearest(x);
    case U_SIGN: {
      vf pos = wasm_v128_and(wasm_f32x4_gt(x, vsplat(0.0f)), vsplat(1.0f));
      vf neg = wasm_v128_and(wasm_f32x4_lt(x, vsplat(0.0f)), vsplat(-1.0f));
      vf s = wasm_v128_or(pos, neg);
      return wasm_v128_bitselect(x, s, wasm_f32x4_ne(x, x)); /* NaN stays NaN */
    }
    case U_SOFTSIGN: return vdiv(x, vadd(vsplat(1.0f), wasm_f32x4_abs(x)));
    case U_SOFTPLUS: {
      /* log(1 + e^x) = max(x, 0) + log(1 + e^-|x|) */
      vf e = vexp(wasm_f32x4_neg(wasm_f32x4_abs(x)));
      return vadd(vmaxp(x, vsplat(0.0f)), vlog(vadd(vsplat(1.0f), e)));
    }
    case U_ELU: {
      vf em1 = vmul(vsplat(alpha), vsub(vexp(x), vsplat(1.0f)));
      return wasm_v128_bitselect(em1, x, wasm_f32x4_lt(x, vsplat(0.0f)));
    }
    default: return vact(x, op, alpha, beta);
  }
}

static void unary_range(i32 op, const float *x, float *y, i32 n, float alpha, float beta) {
  i32 i = 0;
  for (; i + 4 <= n; i += 4) vstore(y + i, vunary(vload(x + i), op, alpha, beta));
  if (i < n) {
    float t[4] __attribute__((aligned(16))) = {0, 0, 0, 0};
    for (i32 j = 0; i + j < n; j++) t[j] = x[i + j];
    vstore(t, vunary(vload(t), op, alpha, beta));
    for (i32 j = 0; i + j < n; j++) y[i + j] = t[j];
  }
}

KEXPORT(unary_f32) void unary_f32(i32 op, const float *x, float *y, i32 n, float alpha, float beta, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range(n, 256, tid, nt, &lo, &hi);
  if (lo < hi) unary_range(op, x + lo, y + lo, hi - lo, alpha, beta);
}

void act_inplace(float *x, i32 n, i32 act, float alpha, float beta) { unary_range(act, x, x, n, alpha, beta); }
