// Resize. NEAREST: y[o] = x[Σ_a map_a[o_a]] with per-axis maps of source offsets worked out on the host
// (coordinate transform and rounding mode; -1 = outside the crop region: the extrapolation value).
// Otherwise one separable pass along one axis of x viewed as [outer, n, inner]: y[oi, o, i] =
// Σ_t w[o, t] · x[oi, idx[o, t], i] with each output coordinate's taps (index, weight: linear, cubic,
// antialias, exclude_outside) from the host; a tap row whose first index is -1 extrapolates.
// Defines: T, NEAREST.
#include "common"

struct U {
  n: u32, rank: u32, taps: u32, extrapolation: f32,
  outer: u32, len: u32, inner: u32, out_len: u32,
  out_shape: array<vec4<u32>, 2>,
  map_offsets: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> idx: array<i32>;
#ifndef NEAREST
@group(0) @binding(3) var<storage, read_write> wt: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<T>;
#else
@group(0) @binding(3) var<storage, read_write> y: array<T>;
#endif

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.n) { return; }
#ifdef NEAREST
  var rem = i;
  var off = 0i;
  var outside = false;
  for (var a = i32(u.rank) - 1; a >= 0; a--) {
    let s = dim(u.out_shape, u32(a));
    let c = rem % s;
    rem = rem / s;
    let m = idx[dim(u.map_offsets, u32(a)) + c];
    if (m < 0) { outside = true; }
    off += m;
  }
  if (outside) {
    y[i] = T(u.extrapolation);
  } else {
    y[i] = x[u32(off)];
  }
#else
  let inner = i % u.inner;
  let o = (i / u.inner) % u.out_len;
  let oi = i / (u.inner * u.out_len);
  if (idx[o * u.taps] < 0) {
    y[i] = T(u.extrapolation);
    return;
  }
  var acc = 0.0;
  for (var t = 0u; t < u.taps; t++) {
    let wv = wt[o * u.taps + t];
    if (wv != 0.0) { acc += wv * f32(x[(oi * u.len + u32(idx[o * u.taps + t])) * u.inner + inner]); }
  }
  y[i] = T(acc);
#endif
}
