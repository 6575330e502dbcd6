/* ConvTranspose: the scatter half (col2im); the product W^T · X runs on the GEMM core. */
#include "conv.h"

/*
 * ConvTranspose's scatter: y (M planes of in_h x in_w, the forward conv's "input") = bias + col2im(cols),
 * cols rows (m, ky, kx), columns the forward conv's output grid (out_h x out_w). Threads split planes.
 */
KEXPORT(col2im) void col2im(const ConvGeo *g, const float *cols, float *y, i32 M, const float *bias, i32 tid, i32 nt) {
  const i32 H = g->in_h, W = g->in_w, IH = g->out_h, IW = g->out_w, KH = g->k_h, KW = g->k_w, P = IH * IW;
  i32 lo, hi;
  split_range(M, 1, tid, nt, &lo, &hi);
  for (i32 m = lo; m < hi; m++) {
    float *yp = y + m * H * W;
    const float b = bias ? bias[m] : 0.0f;
    for (i32 i = 0; i < H * W; i++) yp[i] = b;
    for (i32 ky = 0; ky < KH; ky++) {
      for (i32 kx = 0; kx < KW; kx++) {
        const float *c = cols + ((m * KH + ky) * KW + kx) * P;
        for (i32 iy = 0; iy < IH; iy++) {
          const i32 oy = iy * g->s_h - g->p_t + ky * g->d_h;
          if (oy < 0 || oy >= H) continue;
          float *yr = yp + oy * W;
          const float *cr = c + iy * IW;
          const i32 ox0 = -g->p_l + kx * g->d_w;
          for (i32 ix = 0; ix < IW; ix++) {
            const i32 ox = ix * g->s_w + ox0;
            if (ox >= 0 && ox < W) yr[ox] += cr[ix];
          }
        }
      }
    }
  }
}
