// Pad (constant, edge, reflect, wrap). Output coords c map to input coords c - pad_begin; outside the
// input, MODE_CONSTANT writes `value`, the other modes fold the coordinate back in. Defines: T, MODE_*.
#include "common"

struct U {
  n: u32, rank: u32, value: f32, _p: u32,
  out_shape: array<vec4<u32>, 2>,
  in_shape: array<vec4<u32>, 2>,
  in_strides: array<vec4<u32>, 2>,
  pad_begin: array<vec4<i32>, 2>,
}
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> y: array<T>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.n) { return; }
  var rem = i;
  var src = 0u;
  for (var k = i32(u.rank) - 1; k >= 0; k--) {
    let kk = u32(k);
    let s = dim(u.out_shape, kk);
    let n = i32(dim(u.in_shape, kk));
    var c = i32(rem % s) - u.pad_begin[kk / 4u][kk % 4u];
    rem = rem / s;
    if (c < 0 || c >= n) {
#ifdef MODE_CONSTANT
      y[i] = T(u.value);
      return;
#elifdef MODE_EDGE
      c = clamp(c, 0, n - 1);
#elifdef MODE_REFLECT
      if (n == 1) {
        c = 0;
      } else {
        let period = 2 * (n - 1);
        c = ((c % period) + period) % period;
        if (c >= n) { c = period - c; }
      }
#elifdef MODE_WRAP
      c = ((c % n) + n) % n;
#endif
    }
    src += u32(c) * dim(u.in_strides, kk);
  }
  y[i] = x[src];
}
