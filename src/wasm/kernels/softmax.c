/* Softmax / LogSoftmax over the middle axis of [outer, n, inner]. */
#include "vmath.h"

INLINE float hsum(vf v) { return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3); }
INLINE float hmax(vf v) {
  float a = fmaxp(wasm_f32x4_extract_lane(v, 0), wasm_f32x4_extract_lane(v, 1));
  float b = fmaxp(wasm_f32x4_extract_lane(v, 2), wasm_f32x4_extract_lane(v, 3));
  return fmaxp(a, b);
}
static float slog(float x) { return wasm_f32x4_extract_lane(vlog(vsplat(x)), 0); }

/* One contiguous row (inner = 1). */
static void softmax_row(const float *x, float *y, i32 n, i32 logsm) {
  i32 i = 0;
  vf vm = vsplat(-__builtin_inff());
  for (; i + 4 <= n; i += 4) vm = vmaxp(vm, vload(x + i));
  float m = hmax(vm);
  for (; i < n; i++) m = fmaxp(m, x[i]);
  vf vmx = vsplat(m), vs = vsplat(0.0f);
  float s = 0.0f;
  for (i = 0; i + 4 <= n; i += 4) {
    vf e = vexp(vsub(vload(x + i), vmx));
    if (!logsm) vstore(y + i, e);
    vs = vadd(vs, e);
  }
  s = hsum(vs);
  float tail[4] __attribute__((aligned(16))) = {0, 0, 0, 0};
  i32 nt = n - i;
  for (i32 j = 0; j < nt; j++) tail[j] = x[i + j] - m;
  vstore(tail, vexp(vload(tail)));
  for (i32 j = 0; j < nt; j++) { s += tail[j]; if (!logsm) y[i + j] = tail[j]; }
  if (logsm) {
    vf off = vsplat(m + slog(s));
    for (i = 0; i + 4 <= n; i += 4) vstore(y + i, vsub(vload(x + i), off));
    for (; i < n; i++) y[i] = x[i] - (m + slog(s));
  } else {
    vf r = vsplat(1.0f / s);
    for (i = 0; i + 4 <= n; i += 4) vstore(y + i, vmul(vload(y + i), r));
    for (; i < n; i++) y[i] *= 1.0f / s;
  }
}

/* inner > 1: 4 inner positions at a time down the axis (strided by inner). */
static void softmax_cols(const float *x, float *y, i32 n, i32 inner, i32 j0, i32 logsm) {
  vf m = vsplat(-__builtin_inff()), s = vsplat(0.0f);
  for (i32 k = 0; k < n; k++) m = vmaxp(m, vload(x + k * inner + j0));
  for (i32 k = 0; k < n; k++) s = vadd(s, vexp(vsub(vload(x + k * inner + j0), m)));
  if (logsm) {
    vf off = vadd(m, vlog(s));
    for (i32 k = 0; k < n; k++) vstore(y + k * inner + j0, vsub(vload(x + k * inner + j0), off));
  } else {
    vf r = vdiv(vsplat(1.0f), s);
    for (i32 k = 0; k < n; k++) vstore(y + k * inner + j0, vmul(vexp(vsub(vload(x + k * inner + j0), m)), r));
  }
}

static void softmax_col1(const float *x, float *y, i32 n, i32 inner, i32 j, i32 logsm) {
  float m = -__builtin_inff(), s = 0.0f;
  for (i32 k = 0; k < n; k++) m = fmaxp(m, x[k * inner + j]);
  float t[4] __attribute__((aligned(16)));
  for (i32 k = 0; k < n; k++) { t[0] = x[k * inner + j] - m; s += wasm_f32x4_extract_lane(vexp(vload(t)), 0); }
  for (i32 k = 0; k < n; k++) {
    float d = x[k * inner + j] - m;
    y[k * inner + j] = logsm ? d - slog(s) : wasm_f32x4_extract_lane(vexp(vsplat(d)), 0) / s;
  }
}

KEXPORT(softmax_f32) void softmax_f32(const float *x, float *y, i32 outer, i32 n, i32 inner, i32 logsm, i32 tid, i32 nt) {
  i32 lo, hi;
  if (inner == 1) {
    split_range(outer, 1, tid, nt, &lo, &hi);
    for (i32 o = lo; o < hi; o++) softmax_row(x + o * n, y + o * n, n, logsm);
    return;
  }
  split_range(outer, 1, tid, nt, &lo, &hi);
  for (i32 o = lo; o < hi; o++) {
    const float *xo = x + o * n * inner;
    float *yo = y + o * n * inner;
    i32 j = 0;
    for (; j + 4 <= inner; j += 4) softmax_cols(xo, yo, n, inner, j, logsm);
    for (; j < inner; j++) softmax_col1(xo, yo, n, inner, j, logsm);
  }
}
