// GatherElements: y has the indices' shape; y[c] = x[c with c[axis] replaced by idx[c]] (negative indices
// count from the end; out-of-range ones read 0). Defines: T.
#include "common"

struct U {
  n: u32, rank: u32, axis: u32, axis_len: u32,
  shape: array<vec4<u32>, 2>,
  x_strides: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> idx: array<i32>;
@group(0) @binding(3) var<storage, read_write> y: array<T>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.n) { return; }
  let k = axis_index(idx[i], u.axis_len);
  if (k < 0) {
    y[i] = T(0);
    return;
  }
  var rem = i;
  var off = 0u;
  for (var a = i32(u.rank) - 1; a >= 0; a--) {
    let s = dim(u.shape, u32(a));
    var c = rem % s;
    rem = rem / s;
    if (u32(a) == u.axis) { c = u32(k); }
    off += c * dim(u.x_strides, u32(a));
  }
  y[i] = x[off];
}
