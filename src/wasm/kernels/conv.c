/*
 * Conv2D as GEMM: Y_g[M_g x P] = W_g[M_g x K] · im2col(X_g)[K x P] per image and group, with K = C_g·kh·kw
 * and P = out_h·out_w. W is packed into A panels once (at session creation); im2col is never materialised:
 * each thread packs `nc` output pixels at a time straight from the image into B panels in its scratch.
 */
#include "conv.h"
#include "gemm.h"

/* One run of output pixels in the same output row: columns [j0, j0+len) of a panel, at (oy, ox0). */
typedef struct { i32 j0, len, oy, ox0; } Seg;

static i32 panel_segments(const ConvGeo *g, i32 n0, i32 nv, Seg *segs) {
  i32 ns = 0, j = 0;
  while (j < nv) {
    i32 n = n0 + j, oy = n / g->out_w, ox = n - oy * g->out_w;
    i32 len = MIN(nv - j, g->out_w - ox);
    segs[ns].j0 = j; segs[ns].len = len; segs[ns].oy = oy; segs[ns].ox0 = ox;
    ns++;
    j += len;
  }
  return ns;
}

/* Packs output pixels [n0, n1) of one image's group (channels from xg) as B panels: rows k = (c, ky, kx). */
static void im2col_pack(const ConvGeo *g, const float *xg, i32 cg, i32 n0, i32 n1, float *out) {
  const i32 H = g->in_h, W = g->in_w, K = cg * g->k_h * g->k_w, N = g->out_h * g->out_w;
  for (i32 q = n0; q < n1; q += 8) {
    float *o = out + (q - n0) * K;
    i32 nv = MIN(8, N - q);
    Seg segs[8];
    i32 ns = panel_segments(g, q, nv, segs);
    for (i32 c = 0; c < cg; c++) {
      const float *xc = xg + c * H * W;
      for (i32 ky = 0; ky < g->k_h; ky++) {
        for (i32 kx = 0; kx < g->k_w; kx++, o += 8) {
          if (nv < 8) vstore(o + 4, vsplat(0.0f)), vstore(o, vsplat(0.0f));
          for (i32 s = 0; s < ns; s++) {
            const Seg *sg = &segs[s];
            float *d = o + sg->j0;
            i32 iy = sg->oy * g->s_h - g->p_t + ky * g->d_h;
            i32 ix0 = sg->ox0 * g->s_w - g->p_l + kx * g->d_w;
            if (iy < 0 || iy >= H) { for (i32 j = 0; j < sg->len; j++) d[j] = 0.0f; continue; }
            const float *row = xc + iy * W;
            if (g->s_w == 1) {
              if (sg->len == 8 && ix0 >= 0 && ix0 + 8 <= W) { vstore(d, vload(row + ix0)); vstore(d + 4, vload(row + ix0 + 4)); continue; }
              for (i32 j = 0; j < sg->len; j++) { i32 ix = ix0 + j; d[j] = (ix >= 0 && ix < W) ? row[ix] : 0.0f; }
            } else {
              if (g->s_w == 2 && sg->len == 8 && ix0 >= 0 && ix0 + 16 <= W) {
                const float *r = row + ix0;
                vstore(d, wasm_i32x4_shuffle(vload(r), vload(r + 4), 0, 2, 4, 6));
                vstore(d + 4, wasm_i32x4_shuffle(vload(r + 8), vload(r + 12), 0, 2, 4, 6));
                continue;
              }
              for (i32 j = 0; j < sg->len; j++) { i32 ix = ix0 + j * g->s_w; d[j] = (ix >= 0 && ix < W) ? row[ix] : 0.0f; }
            }
          }
        }
      }
    }
  }
}

static i32 is_pointwise(const ConvGeo *g) {
  return g->k_h == 1 && g->k_w == 1 && g->s_h == 1 && g->s_w == 1 && g->p_t == 0 && g->p_l == 0 &&
         g->out_h == g->in_h && g->out_w == g->in_w;
}

/*
 * y = epilogue(conv(x, W)) for all images and groups. wp: A panels per group (group g at wp + g*ceil(Mg/4)*4*K).
 * scratch: nc*K floats per thread at scratch + tid*nc*K. Threads split output pixels, or output channels
 * when there are few pixels.
 */
/* float16 panel → float32 (gemm_h.c). */
void half_panel_to_f32(const u16 *src, float *dst, i32 n);

/*
 * The body of conv2d; with float16 weights (wh, A panels of 16-bit elements) each A panel is converted
 * into `abuf` (K*4 floats of this thread) once per run of output pixels.
 */
static void conv2d_run(const ConvGeo *g, const float *x, const void *wp, i32 wh, float *y, const Epi *e, float *scratch, float *abuf, i32 nc, i32 tid, i32 nt) {
  const i32 G = g->group, cg = g->in_c / G, mg = g->out_c / G;
  const i32 K = cg * g->k_h * g->k_w, N = g->out_h * g->out_w, HW = g->in_h * g->in_w;
  const i32 mp = (mg + MR - 1) / MR, np = (N + NR - 1) / NR;
  const i32 pointwise = is_pointwise(g);
  float *buf = scratch + tid * nc * K;
  i32 m_lo = 0, m_hi = mp, n_lo = 0, n_hi = np;
  if (np >= 4 * nt || np >= mp) split_range(np, 1, tid, nt, &n_lo, &n_hi);
  else split_range(mp, 1, tid, nt, &m_lo, &m_hi);
  if (n_lo >= n_hi || m_lo >= m_hi) return;
  for (i32 b = 0; b < g->batch; b++) {
    for (i32 gi = 0; gi < G; gi++) {
      const float *xg = x + (b * g->in_c + gi * cg) * HW;
      float *yg = y + (b * g->out_c + gi * mg) * N;
      const float *ag = wh ? 0 : (const float *)wp + gi * mp * MR * K;
      const u16 *agh = wh ? (const u16 *)wp + gi * mp * MR * K : 0;
      Epi eg = *e;
      if (eg.bias) eg.bias += gi * mg;
      if (eg.z) eg.z += (b * g->out_c + gi * mg) * N;
      eg.ldz = N;
      for (i32 q0 = n_lo * NR; q0 < n_hi * NR && q0 < N; q0 += nc) {
        i32 q1 = MIN(MIN(q0 + nc, n_hi * NR), N);
        if (pointwise) pack_b_range(xg, K, N, HW, 1, q0, q1, buf);
        else im2col_pack(g, xg, cg, q0, q1, buf);
        for (i32 p = m_lo; p < m_hi; p++) {
          i32 m0 = p * MR, mv = MIN(MR, mg - m0);
          const float *a = ag ? ag + p * K * MR : abuf;
          if (wh) half_panel_to_f32(agh + p * K * MR, abuf, K * MR);
          for (i32 q = q0; q < q1; q += NR) {
            gemm_tile(K, a, buf + (q - q0) * K, yg + m0 * N + q, N, &eg, m0, q, mv, MIN(NR, N - q));
          }
        }
      }
    }
  }
}

KEXPORT(conv2d) void conv2d(const ConvGeo *g, const float *x, const float *wp, float *y, const Epi *e, float *scratch, i32 nc, i32 tid, i32 nt) {
  conv2d_run(g, x, wp, 0, y, e, scratch, 0, nc, tid, nt);
}

/* conv2d with float16 A panels (pack_a_h); abuf: K*4 floats per chunk at abuf + tid*K*4. */
KEXPORT(conv2d_h) void conv2d_h(const ConvGeo *g, const float *x, const u16 *wp, float *y, const Epi *e, float *scratch, float *abuf, i32 nc, i32 tid, i32 nt) {
  const i32 K = (g->in_c / g->group) * g->k_h * g->k_w;
  conv2d_run(g, x, wp, 1, y, e, scratch, abuf + tid * K * MR, nc, tid, nt);
}
