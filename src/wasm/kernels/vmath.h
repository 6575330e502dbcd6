/*
 * Vector math without libc: exp, tanh, erf/erfc, sigmoid, log, and the activations that Conv/Gemm
 * epilogues and the unary kernels share. Polynomial coefficients were fitted by scripts/fit-vmath.py
 * (weighted least squares on Chebyshev nodes); measured max relative error in float32: exp 2.2e-7,
 * tanh 1.4e-7, erf 1.8e-7, erfc tail 4e-6, log 1.2e-6.
 */
#ifndef KILN_VMATH_H
#define KILN_VMATH_H
#include "simd.h"

#define LOG2E 1.44269504088896341f
#define LN2_HI 0.693145751953125f
#define LN2_LO 1.428606765330187e-06f
#define ROUND_MAGIC 12582912.0f /* 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits */

INLINE vf vpoly7(vf x, float c0, float c1, float c2, float c3, float c4, float c5, float c6) {
  vf p = vmadd(vsplat(c6), x, vsplat(c5));
  p = vmadd(p, x, vsplat(c4));
  p = vmadd(p, x, vsplat(c3));
  p = vmadd(p, x, vsplat(c2));
  p = vmadd(p, x, vsplat(c1));
  return vmadd(p, x, vsplat(c0));
}

/* e^x for all floats: gradual underflow to 0, overflow to inf, NaN stays NaN. 2^n is applied in two halves
 * so that n may span the whole range [-150, 128] of float exponents. */
INLINE vf vexp(vf x) {
  vf xc = vminp(vmaxp(x, vsplat(-104.0f)), vsplat(89.0f));
  vf t = vmadd(xc, vsplat(LOG2E), vsplat(ROUND_MAGIC));
  vf n = vsub(t, vsplat(ROUND_MAGIC));
  vf r = vsub(vsub(xc, vmul(n, vsplat(LN2_HI))), vmul(n, vsplat(LN2_LO)));
  vf p = vpoly7(r, 1.0f, 1.0f, 0.49999991059303284f, 0.16666419804096222f, 0.04166822135448456f,
                0.008374816738069057f, 0.0013837050646543503f);
  vf ni = wasm_i32x4_sub(t, wasm_i32x4_splat(0x4B400000));
  vf n1 = wasm_i32x4_shr(ni, 1), n2 = wasm_i32x4_sub(ni, n1);
  vf s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, wasm_i32x4_splat(127)), 23);
  vf s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, wasm_i32x4_splat(127)), 23);
  return vmul(vmul(p, s1), s2);
}

INLINE vf vsigmoid(vf x) { return vdiv(vsplat(1.0f), vadd(vsplat(1.0f), vexp(vsub(vsplat(0.0f), x)))); }

/* tanh: odd polynomial near 0 (keeps relative accuracy for tiny x), 1 - 2/(e^{2|x|}+1) beyond. */
INLINE vf vtanh(vf x) {
  vf a = wasm_f32x4_abs(x);
  vf x2 = vmul(x, x);
  vf p = vpoly7(x2, -0.3333333432674408f, 0.1333337128162384f, -0.05397513136267662f, 0.021886251866817474f,
                -0.008689113892614841f, 0.002645295113325119f, 0.0f);
  vf small = vmadd(vmul(x, x2), p, x);
  vf e = vexp(vmul(vsplat(2.0f), vminp(a, vsplat(9.0f))));
  vf big = vsub(vsplat(1.0f), vdiv(vsplat(2.0f), vadd(e, vsplat(1.0f))));
  big = wasm_v128_or(big, wasm_v128_and(x, wasm_i32x4_splat((i32)0x80000000))); /* copy the sign */
  return wasm_v128_bitselect(small, big, wasm_f32x4_lt(a, vsplat(0.625f)));
}

/* erf(x) / x for |x| < 1, as a polynomial in x². */
INLINE vf verf_small(vf x2) {
  vf p = vpoly7(x2, 1.1283791065216064f, -0.3761262595653534f, 0.1128358468413353f, -0.026853788644075394f,
                0.005188286304473877f, -0.0008009850280359387f, 7.852779526729137e-05f);
  return p;
}

/* erfc(a) for a >= 1: e^{-a²} Q(1/(1 + a/2)). */
INLINE vf verfc_tail(vf a) {
  vf u = vdiv(vsplat(1.0f), vmadd(a, vsplat(0.5f), vsplat(1.0f)));
  vf q = vsplat(-0.06732784956693649f);
  q = vmadd(q, u, vsplat(0.325424462556839f));
  q = vmadd(q, u, vsplat(-0.5703102350234985f));
  q = vmadd(q, u, vsplat(0.3701435327529907f));
  q = vmadd(q, u, vsplat(-0.08802767843008041f));
  q = vmadd(q, u, vsplat(0.2282501608133316f));
  q = vmadd(q, u, vsplat(0.2364683300256729f));
  q = vmadd(q, u, vsplat(0.2834087908267975f));
  q = vmadd(q, u, vsplat(0.2819989323616028f));
  q = vmadd(q, u, vsplat(3.0593164410674945e-06f));
  vf a2 = vmul(a, a);
  return vmul(vexp(vsub(vsplat(0.0f), a2)), q);
}

INLINE vf verf(vf x) {
  vf a = wasm_f32x4_abs(x);
  vf small = vmul(x, verf_small(vmul(x, x)));
  vf big = vsub(vsplat(1.0f), verfc_tail(vminp(a, vsplat(9.0f))));
  big = wasm_v128_or(big, wasm_v128_and(x, wasm_i32x4_splat((i32)0x80000000)));
  return wasm_v128_bitselect(small, big, wasm_f32x4_lt(a, vsplat(1.0f)));
}

/* 1 + erf(z), accurate in the negative tail where it is tiny (exact GELU needs that). */
INLINE vf vone_plus_erf(vf z) {
  vf a = wasm_f32x4_abs(z);
  vf small = vadd(vsplat(1.0f), vmul(z, verf_small(vmul(z, z))));
  vf tail = verfc_tail(vminp(a, vsplat(9.0f)));
  vf big = wasm_v128_bitselect(vsub(vsplat(2.0f), tail), tail, wasm_f32x4_gt(z, vsplat(0.0f)));
  return wasm_v128_bitselect(small, big, wasm_f32x4_lt(a, vsplat(1.0f)));
}

INLINE vf vgelu(vf x) {
  vf z = vmul(x, vsplat(0.70710678118654752f));
  return vmul(vmul(vsplat(0.5f), x), vone_plus_erf(z));
}

INLINE vf vgelu_tanh(vf x) {
  vf inner = vmul(vsplat(0.7978845608028654f), vmadd(vmul(vsplat(0.044715f), vmul(x, x)), x, x));
  return vmul(vmul(vsplat(0.5f), x), vadd(vsplat(1.0f), vtanh(inner)));
}

/* Natural log for positive normal x; 0 → -inf, negative/NaN → NaN, +inf → +inf. */
INLINE vf vlog(vf x) {
  vf b = wasm_i32x4_sub(x, wasm_i32x4_splat(0x3f3504f3));
  vf k = wasm_f32x4_convert_i32x4(wasm_i32x4_shr(b, 23));
  vf m = wasm_i32x4_add(wasm_v128_and(b, wasm_i32x4_splat(0x7fffff)), wasm_i32x4_splat(0x3f3504f3));
  vf f = vsub(m, vsplat(1.0f));
  vf f2 = vmul(f, f);
  vf p = vpoly7(f, 0.3333403766155243f, -0.25000524520874023f, 0.19914919137954712f, -0.16574372351169586f,
                0.15756501257419586f, -0.1461276412010193f, 0.06018272787332535f);
  vf y = vadd(vsub(f, vmul(vsplat(0.5f), f2)), vmul(vmul(f2, f), p));
  y = vadd(y, vmadd(k, vsplat(LN2_HI), vmul(k, vsplat(LN2_LO))));
  y = wasm_v128_bitselect(vsplat(-__builtin_inff()), y, wasm_f32x4_eq(x, vsplat(0.0f)));
  y = wasm_v128_bitselect(vsplat(__builtin_nanf("")), y, wasm_v128_not(wasm_f32x4_ge(x, vsplat(0.0f))));
  y = wasm_v128_bitselect(x, y, wasm_f32x4_eq(x, vsplat(__builtin_inff())));
  return y;
}

/* Activation codes shared with src/wasm/ops/activation.ts. */
enum {
  ACT_NONE = 0, ACT_RELU = 1, ACT_CLIP = 2, ACT_SIGMOID = 3, ACT_TANH = 4, ACT_GELU = 5, ACT_GELU_TANH = 6,
  ACT_HARDSWISH = 7, ACT_SILU = 8, ACT_LEAKY = 9, ACT_HARDSIGMOID = 10
};

/* One activation on a vector; alpha/beta are the op's parameters (Clip: min/max; Silu: alpha). */
INLINE vf vact(vf x, i32 act, float alpha, float beta) {
  switch (act) {
    case ACT_RELU: return vmaxp(x, vsplat(0.0f));
    case ACT_CLIP: return vminp(vmaxp(x, vsplat(alpha)), vsplat(beta));
    case ACT_SIGMOID: return vsigmoid(x);
    case ACT_TANH: return vtanh(x);
    case ACT_GELU: return vgelu(x);
    case ACT_GELU_TANH: return vgelu_tanh(x);
    case ACT_HARDSWISH: return vmul(x, vmaxp(vminp(vmadd(x, vsplat(1.0f / 6.0f), vsplat(0.5f)), vsplat(1.0f)), vsplat(0.0f)));
    case ACT_SILU: return vmul(x, vsigmoid(vmul(x, vsplat(alpha))));
    case ACT_LEAKY: return wasm_v128_bitselect(vmul(x, vsplat(alpha)), x, wasm_f32x4_lt(x, vsplat(0.0f)));
    case ACT_HARDSIGMOID: return vmaxp(vminp(vmadd(x, vsplat(alpha), vsplat(beta)), vsplat(1.0f)), vsplat(0.0f));
    default: return x;
  }
}

/* Applies an activation to n floats in place (any n; the tail goes through a padded vector). */
void act_inplace(float *x, i32 n, i32 act, float alpha, float beta);

#endif
