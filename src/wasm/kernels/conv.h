/* Convolution geometry shared by conv.c, dwconv.c and pool.c; layout mirrored in src/wasm/ops/geometry.ts. */
#ifndef KILN_CONV_H
#define KILN_CONV_H
#include "simd.h"

/* 2-D window geometry (1-D ops use in_h = out_h = k_h = 1). */
typedef struct {
  i32 batch, in_c, in_h, in_w;
  i32 out_c, out_h, out_w, group;
  i32 k_h, k_w, s_h, s_w;
  i32 d_h, d_w, p_t, p_l;
} ConvGeo;

#endif
