// ScatterElements and ScatterND into y (a copy of the data made just before), updates applied in index
// order so duplicates end as the reference leaves them (last write wins; reductions fold in order).
// ELEMENTS: one thread per line of the indices along `axis` (all other coordinates fixed): entries of one
// line can only hit the same line of y, and the thread walks them in order.
// ND (else): one thread per element of a slice, walking the index tuples in order.
// Negative indices count from the end; out-of-range ones are skipped.
// Defines: T (element), ELEMENTS, one of RED_NONE RED_ADD RED_MUL RED_MAX RED_MIN.
#include "common"

struct U {
  n: u32, rank: u32, axis: u32, axis_len: u32,
  count: u32, m: u32, slice: u32, _p: u32,
  shape: array<vec4<u32>, 2>,
  y_dims: array<vec4<u32>, 2>,
  y_strides: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> idx: array<i32>;
@group(0) @binding(2) var<storage, read_write> upd: array<T>;
@group(0) @binding(3) var<storage, read_write> y: array<T>;

fn apply(at: u32, v: T) {
#ifdef RED_ADD
  y[at] = y[at] + v;
#elifdef RED_MUL
  y[at] = y[at] * v;
#elifdef RED_MAX
  y[at] = max(y[at], v);
#elifdef RED_MIN
  y[at] = min(y[at], v);
#else
  y[at] = v;
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = flat_id(wid, nwg, lid, 64u);
  if (t >= u.n) { return; }
#ifdef ELEMENTS
  // t numbers the lines: the indices' coordinates with the axis one left out.
  let len = dim(u.shape, u.axis);
  var rem = t;
  var base_i = 0u;
  var base_y = 0u;
  var stride_i = 1u;
  var axis_stride_i = 1u;
  for (var a = i32(u.rank) - 1; a >= 0; a--) {
    let s = dim(u.shape, u32(a));
    if (u32(a) == u.axis) {
      axis_stride_i = stride_i;
    } else {
      let c = rem % s;
      rem = rem / s;
      base_i += c * stride_i;
      base_y += c * dim(u.y_strides, u32(a));
    }
    stride_i *= s;
  }
  for (var j = 0u; j < len; j++) {
    let e = base_i + j * axis_stride_i;
    let k = axis_index(idx[e], u.axis_len);
    if (k < 0) { continue; }
    apply(base_y + u32(k) * dim(u.y_strides, u.axis), upd[e]);
  }
#else
  // t is the element within a slice; walk the `count` index tuples of `m` coordinates.
  for (var q = 0u; q < u.count; q++) {
    var off = 0u;
    var ok = true;
    for (var a = 0u; a < u.m; a++) {
      let k = axis_index(idx[q * u.m + a], dim(u.y_dims, a));
      if (k < 0) { ok = false; }
      off += u32(max(k, 0)) * dim(u.y_strides, a);
    }
    if (ok) { apply(off + t, upd[q * u.slice + t]); }
  }
#endif
}
