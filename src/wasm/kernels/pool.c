/*
 * MaxPool / AveragePool (2-D, and 1-D as H = 1) and the global pools. Like the depthwise kernel, each
 * input row a window needs is copied once into a padded row buffer (pad value -inf for max, 0 for
 * average), and 4 outputs are computed per step. Average divisors come from per-axis tap counts.
 */
#include "conv.h"

enum { POOL_MAX = 0, POOL_AVG = 1, POOL_AVG_PAD = 2 };

INLINE i32 pool_width(const ConvGeo *g) {
  i32 ow4 = (g->out_w + 3) & ~3;
  i32 need = (ow4 - 1) * g->s_w + (g->k_w - 1) * g->d_w + 1 + 4;
  i32 w = g->p_l + g->in_w;
  return ((need > w ? need : w) + 3) & ~3;
}

INLINE i32 pool_span(const ConvGeo *g) { return (g->k_h - 1) * g->d_h + 1; }

/* Floats of scratch per thread: the row ring, a pad row, an output row and the column divisors. */
KEXPORT(pool2d_scratch) i32 pool2d_scratch(const ConvGeo *g) {
  return (pool_span(g) + 3) * pool_width(g) + 16;
}

/* Taps of one axis inside [lo, hi) for window start `start`. */
INLINE i32 taps_in(i32 start, i32 d, i32 k, i32 lo, i32 hi) {
  i32 n = 0;
  for (i32 t = 0; t < k; t++) { i32 i = start + t * d; n += (i >= lo && i < hi); }
  return n;
}

INLINE vf gather4(const float *p, i32 s) {
  if (s == 1) return vload(p);
  if (s == 2) return wasm_i32x4_shuffle(vload(p), vload(p + 4), 0, 2, 4, 6);
  return wasm_f32x4_make(p[0], p[s], p[2 * s], p[3 * s]);
}

KEXPORT(pool2d) void pool2d(const ConvGeo *g, const float *x, float *y, i32 mode, i32 pe_h, i32 pe_w, float *scratch, i32 tid, i32 nt) {
  const i32 H = g->in_h, W = g->in_w, OH = g->out_h, OW = g->out_w, KH = g->k_h, KW = g->k_w;
  const i32 sh = g->s_h, sw = g->s_w, dh = g->d_h, dw = g->d_w, pt = g->p_t, pl = g->p_l;
  const i32 wp = pool_width(g), span = pool_span(g), ow4 = (OW + 3) & ~3;
  float *ring = scratch + tid * pool2d_scratch(g);
  float *padrow = ring + span * wp, *trow = padrow + wp, *colw = trow + wp;
  const float padv = mode == POOL_MAX ? -__builtin_inff() : 0.0f;
  for (i32 i = 0; i < (span + 1) * wp; i++) ring[i] = padv;
  /* Column tap counts (average pools). */
  for (i32 ox = 0; ox < ow4; ox++) {
    i32 start = ox * sw - pl;
    colw[ox] = mode == POOL_AVG_PAD ? (float)taps_in(start, dw, KW, -pl, W + pe_w) : (float)taps_in(start, dw, KW, 0, W);
  }
  i32 tags[64];
  const float *rows[64];
  i32 lo, hi;
  split_range(g->batch * g->in_c, 1, tid, nt, &lo, &hi);
  for (i32 p = lo; p < hi; p++) {
    const float *xp = x + p * H * W;
    float *yp = y + p * OH * OW;
    for (i32 s = 0; s < span; s++) tags[s] = -1;
    for (i32 oy = 0; oy < OH; oy++) {
      const i32 y0 = oy * sh - pt;
      for (i32 ky = 0; ky < KH; ky++) {
        const i32 iy = y0 + ky * dh;
        if (iy < 0 || iy >= H) { rows[ky] = padrow; continue; }
        const i32 slot = iy % span;
        float *buf = ring + slot * wp;
        if (tags[slot] != iy) { copy_floats(buf + pl, xp + iy * W, W); tags[slot] = iy; }
        rows[ky] = buf;
      }
      float *dst = (OW & 3) ? trow : yp + oy * OW;
      if (mode == POOL_MAX) {
        /* pmax is one instruction; NaN is tracked on the side (it must win, as in the reference). */
        if (KH == 3 && KW == 3 && sw == 2 && dw == 1) {
          for (i32 ox = 0; ox < ow4; ox += 4) {
            vf m = vsplat(-__builtin_inff()), nan = vsplat(0.0f);
            for (i32 ky = 0; ky < 3; ky++) {
              const float *r = rows[ky] + 2 * ox;
              vf a0 = vload(r), a1 = vload(r + 4), a2 = vload(r + 8);
              vf e0 = wasm_i32x4_shuffle(a0, a1, 0, 2, 4, 6), e1 = wasm_i32x4_shuffle(a0, a1, 1, 3, 5, 7);
              vf e2 = wasm_i32x4_shuffle(wasm_i32x4_shuffle(a0, a1, 2, 4, 6, 6), a2, 0, 1, 2, 4);
              m = vmaxp(vmaxp(vmaxp(m, e0), e1), e2);
              nan = wasm_v128_or(nan, wasm_v128_or(wasm_f32x4_ne(e0, e0), wasm_v128_or(wasm_f32x4_ne(e1, e1), wasm_f32x4_ne(e2, e2))));
            }
            vstore(dst + ox, wasm_v128_bitselect(vsplat(__builtin_nanf("")), m, nan));
          }
        } else {
          for (i32 ox = 0; ox < ow4; ox += 4) {
            vf m = vsplat(-__builtin_inff()), nan = vsplat(0.0f);
            for (i32 ky = 0; ky < KH; ky++) {
              const float *r = rows[ky] + ox * sw;
              for (i32 kx = 0; kx < KW; kx++) {
                vf v = gather4(r + kx * dw, sw);
                m = vmaxp(m, v);
                nan = wasm_v128_or(nan, wasm_f32x4_ne(v, v));
              }
            }
            vstore(dst + ox, wasm_v128_bitselect(vsplat(__builtin_nanf("")), m, nan));
          }
        }
      } else {
        const float rw = mode == POOL_AVG_PAD ? (float)taps_in(y0, dh, KH, -pt, H + pe_h) : (float)taps_in(y0, dh, KH, 0, H);
        const vf vr = vsplat(rw);
        for (i32 ox = 0; ox < ow4; ox += 4) {
          vf acc = vsplat(0.0f);
          for (i32 ky = 0; ky < KH; ky++) {
            const float *r = rows[ky] + ox * sw;
            for (i32 kx = 0; kx < KW; kx++) acc = vadd(acc, gather4(r + kx * dw, sw));
          }
          vstore(dst + ox, vdiv(acc, vmul(vr, vload(colw + ox))));
        }
      }
      if (dst == trow) copy_floats(yp + oy * OW, trow, OW);
    }
  }
}

/* y[p] = mean or max of x[p*inner .. (p+1)*inner) for planes [0, planes). */
KEXPORT(global_pool) void global_pool(const float *x, float *y, i32 planes, i32 inner, i32 mode, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range(planes, 1, tid, nt, &lo, &hi);
  for (i32 p = lo; p < hi; p++) {
    const float *s = x + p * inner;
    i32 i = 0;
    if (mode == POOL_MAX) {
      float m = -__builtin_inff();
      for (; i < inner; i++) { float v = s[i]; if (v > m || (v != v && m == m)) m = v; }
      y[p] = m;
    } else {
      vf a0 = vsplat(0.0f), a1 = a0;
      for (; i + 8 <= inner; i += 8) { a0 = vadd(a0, vload(s + i)); a1 = vadd(a1, vload(s + i + 4)); }
      a0 = vadd(a0, a1);
      float acc = wasm_f32x4_extract_lane(a0, 0) + wasm_f32x4_extract_lane(a0, 1) + wasm_f32x4_extract_lane(a0, 2) + wasm_f32x4_extract_lane(a0, 3);
      for (; i < inner; i++) acc += s[i];
      y[p] = acc / (float)inner;
    }
  }
}
