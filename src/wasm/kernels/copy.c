/* Data movement for any element size: strided N-d copy (Transpose, Slice, Concat, Expand, Pad) and Gather. */
#include "simd.h"

#define MAXD 6

/* dims (outermost first), element strides of src and dst (src strides may be 0 or negative). */
typedef struct { i32 ndim, elem; i32 dims[MAXD]; i32 ss[MAXD]; i32 ds[MAXD]; } CopyNd;

static void copy_run(u8 *d, const u8 *s, i32 n, i32 elem, i32 ss, i32 ds) {
  if (ss == 1 && ds == 1) { copy_bytes(d, s, (u32)(n * elem)); return; }
  i32 sb = ss * elem, db = ds * elem;
  switch (elem) {
    case 4: for (i32 i = 0; i < n; i++, s += sb, d += db) *(u32 *)d = *(const u32 *)s; break;
    case 1: for (i32 i = 0; i < n; i++, s += sb, d += db) *d = *s; break;
    case 2: for (i32 i = 0; i < n; i++, s += sb, d += db) *(u16 *)d = *(const u16 *)s; break;
    default: for (i32 i = 0; i < n; i++, s += sb, d += db) copy_bytes(d, s, (u32)elem);
  }
}

/* Threads split the rows (all dims but the last). */
KEXPORT(copy_nd) void copy_nd(const u8 *src, u8 *dst, const CopyNd *c, i32 tid, i32 nt) {
  const i32 nd = c->ndim, e = c->elem, n = c->dims[nd - 1];
  i32 rows = 1;
  for (i32 i = 0; i < nd - 1; i++) rows *= c->dims[i];
  i32 lo, hi;
  split_range(rows, 1, tid, nt, &lo, &hi);
  for (i32 r = lo; r < hi; r++) {
    i32 t = r, so = 0, dof = 0;
    for (i32 i = nd - 2; i >= 0; i--) {
      i32 k = t % c->dims[i];
      t /= c->dims[i];
      so += k * c->ss[i];
      dof += k * c->ds[i];
    }
    copy_run(dst + (i64)dof * e, src + (i64)so * e, n, e, c->ss[nd - 1], c->ds[nd - 1]);
  }
}

/* dst[o][j] = src[o][idx[j]] with rows of `inner` bytes; indices already checked and made non-negative. */
KEXPORT(gather_rows) void gather_rows(const u8 *src, const i32 *idx, u8 *dst, i32 outer, i32 axis, i32 nidx, i32 inner, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range(outer * nidx, 1, tid, nt, &lo, &hi);
  for (i32 u = lo; u < hi; u++) {
    i32 o = u / nidx, j = u - o * nidx;
    copy_bytes(dst + (i64)u * inner, src + ((i64)o * axis + idx[j]) * inner, (u32)inner);
  }
}

/* Fills n elements of size elem (1, 2, 4 or 8) with the value at v. */
KEXPORT(fill) void fill(u8 *dst, const u8 *v, i32 n, i32 elem) {
  if (elem == 4) { u32 x = *(const u32 *)v; u32 *d = (u32 *)dst; for (i32 i = 0; i < n; i++) d[i] = x; return; }
  for (i32 i = 0; i < n; i++) copy_bytes(dst + (i64)i * elem, v, (u32)elem);
}
