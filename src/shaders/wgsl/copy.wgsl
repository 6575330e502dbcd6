// Strided copy, the one kernel behind Transpose, Slice, Expand, Tile, Concat, Split and Depth/SpaceToDepth.
// For each index of `shape` (coords c): y[dst_off + Σ c·dst_stride] = x[src_off + Σ (c mod src_mod)·src_stride].
// src strides are signed (Slice with negative steps). Defines: T (u32 for 32-bit elements, f16).
#include "common"

struct U {
  n: u32, rank: u32, src_off: i32, dst_off: u32,
  shape: array<vec4<u32>, 2>,
  src_strides: array<vec4<i32>, 2>,
  dst_strides: array<vec4<u32>, 2>,
  src_mod: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> y: array<T>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.n) { return; }
  var rem = i;
  var src = u.src_off;
  var dst = u.dst_off;
  for (var k = i32(u.rank) - 1; k >= 0; k--) {
    let kk = u32(k);
    let s = dim(u.shape, kk);
    let c = rem % s;
    rem = rem / s;
    src += i32(c % dim(u.src_mod, kk)) * u.src_strides[kk / 4u][kk % 4u];
    dst += c * dim(u.dst_strides, kk);
  }
  y[dst] = x[u32(src)];
}
