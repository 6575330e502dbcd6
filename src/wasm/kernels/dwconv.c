/*
 * Depthwise Conv2D (group = in_c = out_c). Each input row the window needs is copied once into a small
 * zero-bordered row buffer (a ring of (kh-1)*dh+1 rows, in L1), so every output pixel is computed 4 at
 * a time without bounds checks, and nothing plane-sized is written besides the output. The epilogue
 * (residual, activation) runs over each finished row while it is in L1.
 */
#include "conv.h"
#include "gemm.h"
#include "vmath.h"

/* Width of a padded row buffer: every vector read of an output row stays inside it. */
INLINE i32 padded_width(const ConvGeo *g) {
  i32 ow4 = (g->out_w + 3) & ~3;
  i32 need = (ow4 - 1) * g->s_w + (g->k_w - 1) * g->d_w + 1 + 4;
  i32 w = g->p_l + g->in_w;
  return ((need > w ? need : w) + 3) & ~3;
}

INLINE i32 ring_rows(const ConvGeo *g) { return (g->k_h - 1) * g->d_h + 1; }

/* Floats of scratch each thread needs: the ring of row buffers, a zero row and an output row. */
KEXPORT(dwconv2d_scratch) i32 dwconv2d_scratch(const ConvGeo *g) {
  return (ring_rows(g) + 2) * padded_width(g) + 16;
}

INLINE vf tap_load(const float *p, i32 sw) {
  if (sw == 1) return vload(p);
  if (sw == 2) return wasm_i32x4_shuffle(vload(p), vload(p + 4), 0, 2, 4, 6);
  return wasm_f32x4_make(p[0], p[sw], p[2 * sw], p[3 * sw]);
}

/* Residual and activation over one finished output row. */
static void row_epilogue(float *y, const float *z, i32 n, const Epi *e) {
  if (!z && e->act == ACT_NONE) return;
  i32 i = 0;
  if (!z && e->act == ACT_CLIP) {
    vf lo = vsplat(e->alpha), hi = vsplat(e->beta);
    for (; i + 4 <= n; i += 4) vstore(y + i, vminp(vmaxp(vload(y + i), lo), hi));
  } else {
    for (; i + 4 <= n; i += 4) {
      vf v = vload(y + i);
      if (z) v = vadd(v, vload(z + i));
      vstore(y + i, vact(v, e->act, e->alpha, e->beta));
    }
  }
  if (i < n) {
    float t[4] __attribute__((aligned(16))) = {0, 0, 0, 0};
    for (i32 j = 0; i + j < n; j++) t[j] = y[i + j] + (z ? z[i + j] : 0.0f);
    vstore(t, vact(vload(t), e->act, e->alpha, e->beta));
    for (i32 j = 0; i + j < n; j++) y[i + j] = t[j];
  }
}

/* Stores 4 results (fewer at the end of a row), adding the residual and applying the activation. */
INLINE void put4(float *y, const float *z, vf acc, i32 n, const Epi *e) {
  if (n == 4) {
    if (z) acc = vadd(acc, vload(z));
    vstore(y, vact(acc, e->act, e->alpha, e->beta));
    return;
  }
  float t[4] __attribute__((aligned(16)));
  vstore(t, acc);
  if (z) for (i32 j = 0; j < n; j++) t[j] += z[j];
  vstore(t, vact(vload(t), e->act, e->alpha, e->beta));
  for (i32 j = 0; j < n; j++) y[j] = t[j];
}

/* y = epilogue(depthwise conv(x, w)); w is [C, kh, kw]; bias (e->bias_mode 1) one per channel. */
KEXPORT(dwconv2d) void dwconv2d(const ConvGeo *g, const float *x, const float *w, float *y, const Epi *e, float *scratch, i32 tid, i32 nt) {
  const i32 C = g->in_c, H = g->in_h, W = g->in_w, OH = g->out_h, OW = g->out_w, KH = g->k_h, KW = g->k_w;
  const i32 sh = g->s_h, sw = g->s_w, dh = g->d_h, dw = g->d_w, pt = g->p_t, pl = g->p_l, kk = KH * KW;
  const i32 wp = padded_width(g), span = ring_rows(g);
  float *ring = scratch + tid * dwconv2d_scratch(g);
  float *zeros = ring + span * wp;
  float *trow = zeros + wp;
  i32 tags[64];
  const float *rows[16];
  fill_zero(ring, (u32)((span + 1) * wp) * 4);
  const i32 ow4 = (OW + 3) & ~3;
  i32 lo, hi;
  split_range(g->batch * C, 1, tid, nt, &lo, &hi);
  for (i32 p = lo; p < hi; p++) {
    const i32 c = p % C;
    const float *xp = x + p * H * W;
    float *yp = y + p * OH * OW;
    const float *zp = e->z ? e->z + p * OH * OW : 0;
    const float *wc = w + c * kk;
    const vf vb = vsplat(e->bias_mode == 1 ? e->bias[c] : 0.0f);
    for (i32 s = 0; s < span && s < 64; s++) tags[s] = -1;
    for (i32 oy = 0; oy < OH; oy++) {
      for (i32 ky = 0; ky < KH; ky++) {
        const i32 iy = oy * sh - pt + ky * dh;
        if (iy < 0 || iy >= H) { rows[ky] = zeros; continue; }
        const i32 slot = iy % span;
        float *buf = ring + slot * wp;
        if (tags[slot] != iy) { copy_floats(buf + pl, xp + iy * W, W); tags[slot] = iy; }
        rows[ky] = buf;
      }
      float *yr = yp + oy * OW;
      const float *zr = zp ? zp + oy * OW : 0;
      if (KH == 3 && KW == 3 && dw == 1 && (sw == 1 || sw == 2)) {
        const vf w0 = vsplat(wc[0]), w1 = vsplat(wc[1]), w2 = vsplat(wc[2]), w3 = vsplat(wc[3]), w4 = vsplat(wc[4]);
        const vf w5 = vsplat(wc[5]), w6 = vsplat(wc[6]), w7 = vsplat(wc[7]), w8 = vsplat(wc[8]);
        const float *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
        float *dst = (OW & 3) ? trow : yr;
        const i32 inl = !zr && (e->act == ACT_NONE || e->act == ACT_RELU || e->act == ACT_CLIP);
        const vf lo = vsplat(!inl || e->act == ACT_NONE ? -__builtin_inff() : e->act == ACT_RELU ? 0.0f : e->alpha);
        const vf hi = vsplat(!inl || e->act != ACT_CLIP ? __builtin_inff() : e->beta);
        if (sw == 1) {
          for (i32 ox = 0; ox < ow4; ox += 4) {
            vf acc = vmadd(w0, vload(r0 + ox), vb);
            acc = vmadd(w1, vload(r0 + ox + 1), acc);
            acc = vmadd(w2, vload(r0 + ox + 2), acc);
            acc = vmadd(w3, vload(r1 + ox), acc);
            acc = vmadd(w4, vload(r1 + ox + 1), acc);
            acc = vmadd(w5, vload(r1 + ox + 2), acc);
            acc = vmadd(w6, vload(r2 + ox), acc);
            acc = vmadd(w7, vload(r2 + ox + 1), acc);
            acc = vmadd(w8, vload(r2 + ox + 2), acc);
            vstore(dst + ox, vminp(vmaxp(acc, lo), hi));
          }
        } else {
          for (i32 ox = 0; ox < ow4; ox += 4) {
            const float *a = r0 + 2 * ox, *b = r1 + 2 * ox, *d = r2 + 2 * ox;
            vf a0 = vload(a), a1 = vload(a + 4), a2 = vload(a + 8);
            vf b0 = vload(b), b1 = vload(b + 4), b2 = vload(b + 8);
            vf d0 = vload(d), d1 = vload(d + 4), d2 = vload(d + 8);
            /* even lanes x0 x2 x4 x6, odd lanes x1 x3 x5 x7, and x2 x4 x6 x8 */
            vf acc = vmadd(w0, wasm_i32x4_shuffle(a0, a1, 0, 2, 4, 6), vb);
            acc = vmadd(w1, wasm_i32x4_shuffle(a0, a1, 1, 3, 5, 7), acc);
            acc = vmadd(w2, wasm_i32x4_shuffle(wasm_i32x4_shuffle(a0, a1, 2, 4, 6, 6), a2, 0, 1, 2, 4), acc);
            acc = vmadd(w3, wasm_i32x4_shuffle(b0, b1, 0, 2, 4, 6), acc);
            acc = vmadd(w4, wasm_i32x4_shuffle(b0, b1, 1, 3, 5, 7), acc);
            acc = vmadd(w5, wasm_i32x4_shuffle(wasm_i32x4_shuffle(b0, b1, 2, 4, 6, 6), b2, 0, 1, 2, 4), acc);
            acc = vmadd(w6, wasm_i32x4_shuffle(d0, d1, 0, 2, 4, 6), acc);
            acc = vmadd(w7, wasm_i32x4_shuffle(d0, d1, 1, 3, 5, 7), acc);
            acc = vmadd(w8, wasm_i32x4_shuffle(wasm_i32x4_shuffle(d0, d1, 2, 4, 6, 6), d2, 0, 1, 2, 4), acc);
            vstore(dst + ox, vminp(vmaxp(acc, lo), hi));
          }
        }
        if (dst != yr) copy_floats(yr, trow, OW);
        if (!inl) row_epilogue(yr, zr, OW, e);
      } else {
        for (i32 ox = 0; ox < OW; ox += 4) {
          vf acc = vb;
          for (i32 ky = 0; ky < KH; ky++) {
            const float *r = rows[ky] + ox * sw;
            for (i32 kx = 0; kx < KW; kx++) acc = vmadd(vsplat(wc[ky * KW + kx]), tap_load(r + kx * dw, sw), acc);
          }
          put4(yr + ox, zr ? zr + ox : 0, acc, MIN(4, OW - ox), e);
        }
      }
    }
  }
}
