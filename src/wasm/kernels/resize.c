/*
 * Separable resampling of the last two axes (Resize nearest/linear/cubic, antialias included): the caller
 * turns the coordinate transform into tap tables (source index and weight per output position and tap),
 * so the kernel is two weighted gathers: down the columns (vectorised along rows), then along each row.
 */
#include "simd.h"

KEXPORT(resize2d) void resize2d(const float *x, float *y, i32 planes, i32 H, i32 W, i32 OH, i32 OW,
                                i32 th, const i32 *hidx, const float *hw, i32 tw, const i32 *widx, const float *ww,
                                float *scratch, i32 tid, i32 nt) {
  float *tmp = scratch + tid * (OH * W + 4);
  i32 lo, hi;
  split_range(planes, 1, tid, nt, &lo, &hi);
  for (i32 p = lo; p < hi; p++) {
    const float *xp = x + p * H * W;
    float *yp = y + p * OH * OW;
    /* Down the columns: tmp[oh] = Σ_t hw · x[hidx] (whole rows at once). */
    for (i32 oh = 0; oh < OH; oh++) {
      float *t = tmp + oh * W;
      i32 i = 0;
      for (; i + 4 <= W; i += 4) {
        vf acc = vsplat(0.0f);
        for (i32 k = 0; k < th; k++) {
          float wk = hw[oh * th + k];
          if (wk != 0.0f) acc = vmadd(vsplat(wk), vload(xp + hidx[oh * th + k] * W + i), acc);
        }
        vstore(t + i, acc);
      }
      for (; i < W; i++) {
        float acc = 0.0f;
        for (i32 k = 0; k < th; k++) acc += hw[oh * th + k] * xp[hidx[oh * th + k] * W + i];
        t[i] = acc;
      }
    }
    /* Along each row. */
    for (i32 oh = 0; oh < OH; oh++) {
      const float *t = tmp + oh * W;
      float *yr = yp + oh * OW;
      for (i32 ow = 0; ow < OW; ow++) {
        float acc = 0.0f;
        for (i32 k = 0; k < tw; k++) acc += ww[ow * tw + k] * t[widx[ow * tw + k]];
        yr[ow] = acc;
      }
    }
  }
}

