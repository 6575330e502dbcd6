// y = cond ? x : z with three-way broadcasting. Defines: T (element of x, z and y).
#include "common"

struct U {
  n: u32, rank: u32, _p0: u32, _p1: u32,
  out_shape: array<vec4<u32>, 2>,
  c_strides: array<vec4<u32>, 2>,
  x_strides: array<vec4<u32>, 2>,
  z_strides: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> cond: array<u32>;
@group(0) @binding(2) var<storage, read_write> x: array<T>;
@group(0) @binding(3) var<storage, read_write> z: array<T>;
@group(0) @binding(4) var<storage, read_write> y: array<T>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.n) { return; }
  var rem = i;
  var ic = 0u;
  var ix = 0u;
  var iz = 0u;
  for (var k = i32(u.rank) - 1; k >= 0; k--) {
    let s = dim(u.out_shape, u32(k));
    let c = rem % s;
    rem = rem / s;
    ic += c * dim(u.c_strides, u32(k));
    ix += c * dim(u.x_strides, u32(k));
    iz += c * dim(u.z_strides, u32(k));
  }
  y[i] = select(z[iz], x[ix], cond[ic] != 0u);
}
