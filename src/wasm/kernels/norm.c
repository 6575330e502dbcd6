/* LayerNorm / RMSNorm over contiguous rows: y = (x - mean) / sqrt(var + eps) * scale + bias. */
#include "simd.h"

INLINE float hsum(vf v) { return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3); }

/* Sum of a row (pairwise in 8 lanes), and of squared deviations from `mean`. */
static float row_sum(const float *x, i32 n, float mean, i32 squares) {
  vf a0 = vsplat(0.0f), a1 = a0, m = vsplat(mean);
  i32 i = 0;
  for (; i + 8 <= n; i += 8) {
    vf v0 = vload(x + i), v1 = vload(x + i + 4);
    if (squares) { v0 = vsub(v0, m); v1 = vsub(v1, m); v0 = vmul(v0, v0); v1 = vmul(v1, v1); }
    a0 = vadd(a0, v0); a1 = vadd(a1, v1);
  }
  float s = hsum(vadd(a0, a1));
  for (; i < n; i++) { float v = x[i]; if (squares) { v -= mean; v *= v; } s += v; }
  return s;
}

/*
 * rms = 0: LayerNorm; rms = 1: RMSNorm (no centring, no bias). scale/bias have n elements (bias may be 0).
 * mean_out/rstd_out (optional, one per row) receive the statistics.
 */
KEXPORT(layernorm_f32) void layernorm_f32(const float *x, const float *scale, const float *bias, float *y, i32 rows, i32 n, float eps,
                                         i32 rms, float *mean_out, float *rstd_out, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range(rows, 1, tid, nt, &lo, &hi);
  for (i32 r = lo; r < hi; r++) {
    const float *xr = x + r * n;
    float *yr = y + r * n;
    float mean = rms ? 0.0f : row_sum(xr, n, 0.0f, 0) / (float)n;
    float var = row_sum(xr, n, mean, 1) / (float)n;
    float rstd = 1.0f / __builtin_sqrtf(var + eps);
    if (mean_out) mean_out[r] = mean;
    if (rstd_out) rstd_out[r] = rstd;
    vf vm = vsplat(mean), vr = vsplat(rstd);
    i32 i = 0;
    for (; i + 4 <= n; i += 4) {
      vf v = vmul(vmul(vsub(vload(xr + i), vm), vr), vload(scale + i));
      if (bias) v = vadd(v, vload(bias + i));
      vstore(yr + i, v);
    }
    for (; i < n; i++) yr[i] = (xr[i] - mean) * rstd * scale[i] + (bias ? bias[i] : 0.0f);
  }
}
