// Gather along one axis: x viewed as [outer, axis_len, inner], indices flat (negative ones count from the
// end; out-of-range ones read 0). y[o, j, i] = x[o, idx[j], i]. Defines: T.
#include "common"

struct U { n: u32, axis_len: u32, n_idx: u32, inner: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> idx: array<i32>;
@group(0) @binding(3) var<storage, read_write> y: array<T>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.n) { return; }
  let inner = i % u.inner;
  let j = (i / u.inner) % u.n_idx;
  let o = i / (u.inner * u.n_idx);
  let k = axis_index(idx[j], u.axis_len);
  if (k < 0) {
    y[i] = T(0);
    return;
  }
  y[i] = x[(o * u.axis_len + u32(k)) * u.inner + inner];
}
