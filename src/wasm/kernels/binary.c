/*
 * Binary elementwise ops with numpy broadcasting. The caller collapses the shapes to 4 dims; strides of
 * a and b are 0 along broadcast dims, and the innermost dim has stride 1 or 0 (which the loops vectorise).
 */
#include "simd.h"

enum { B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_MAX = 4, B_MIN = 5, B_PRELU = 6 };

/* 4 dims (outermost first) and element strides of a and b. */
typedef struct { i32 dims[4]; i32 sa[4]; i32 sb[4]; } Bcast;

INLINE vf vop(i32 op, vf a, vf b) {
  switch (op) {
    case B_ADD: return vadd(a, b);
    case B_SUB: return vsub(a, b);
    case B_MUL: return vmul(a, b);
    case B_DIV: return vdiv(a, b);
    case B_MAX: return wasm_f32x4_max(a, b);
    case B_MIN: return wasm_f32x4_min(a, b);
    default: return wasm_v128_bitselect(vmul(a, b), a, wasm_f32x4_lt(a, vsplat(0.0f)));
  }
}

INLINE float sop(i32 op, float a, float b) {
  switch (op) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_DIV: return a / b;
    case B_MAX: return (a != a || b != b) ? a + b : (a > b ? a : b);
    case B_MIN: return (a != a || b != b) ? a + b : (a < b ? a : b);
    default: return a < 0.0f ? a * b : a;
  }
}

/* One inner row of n elements; ia/ib are 1 (contiguous) or 0 (broadcast scalar). */
static void row(i32 op, const float *a, const float *b, float *y, i32 n, i32 ia, i32 ib) {
  i32 i = 0;
  if (ia && ib) {
    for (; i + 4 <= n; i += 4) vstore(y + i, vop(op, vload(a + i), vload(b + i)));
    for (; i < n; i++) y[i] = sop(op, a[i], b[i]);
  } else if (ia) {
    vf vb = vsplat(b[0]);
    for (; i + 4 <= n; i += 4) vstore(y + i, vop(op, vload(a + i), vb));
    for (; i < n; i++) y[i] = sop(op, a[i], b[0]);
  } else if (ib) {
    vf va = vsplat(a[0]);
    for (; i + 4 <= n; i += 4) vstore(y + i, vop(op, va, vload(b + i)));
    for (; i < n; i++) y[i] = sop(op, a[0], b[i]);
  } else {
    float v = sop(op, a[0], b[0]);
    for (; i < n; i++) y[i] = v;
  }
}

/* y (contiguous, dims of bc) = a op b. Threads split the outer rows. */
KEXPORT(binary_f32) void binary_f32(i32 op, const float *a, const float *b, float *y, const Bcast *bc, i32 tid, i32 nt) {
  const i32 d0 = bc->dims[0], d1 = bc->dims[1], d2 = bc->dims[2], n = bc->dims[3];
  const i32 rows = d0 * d1 * d2;
  i32 lo, hi;
  if (rows == 1) {
    /* One long row: split it. */
    split_range(n, 64, tid, nt, &lo, &hi);
    if (lo < hi) row(op, a + lo * bc->sa[3], b + lo * bc->sb[3], y + lo, hi - lo, bc->sa[3], bc->sb[3]);
    return;
  }
  split_range(rows, 1, tid, nt, &lo, &hi);
  for (i32 r = lo; r < hi; r++) {
    i32 i2 = r % d2, t = r / d2, i1 = t % d1, i0 = t / d1;
    const float *pa = a + i0 * bc->sa[0] + i1 * bc->sa[1] + i2 * bc->sa[2];
    const float *pb = b + i0 * bc->sb[0] + i1 * bc->sb[1] + i2 * bc->sb[2];
    row(op, pa, pb, y + r * n, n, bc->sa[3], bc->sb[3]);
  }
}
