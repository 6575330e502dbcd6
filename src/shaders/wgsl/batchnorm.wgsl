// BatchNormalization for inference: y = (x - mean[c]) / sqrt(var[c] + eps) · scale[c] + bias[c], with
// x viewed as [n, C, spatial]. Defines: T.
#include "common"

struct U { total: u32, C: u32, spatial: u32, epsilon: f32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> scale: array<T>;
@group(0) @binding(3) var<storage, read_write> bias: array<T>;
@group(0) @binding(4) var<storage, read_write> mean: array<T>;
@group(0) @binding(5) var<storage, read_write> variance: array<T>;
@group(0) @binding(6) var<storage, read_write> y: array<T>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.total) { return; }
  let c = (i / u.spatial) % u.C;
  let v = (f32(x[i]) - f32(mean[c])) / sqrt(f32(variance[c]) + u.epsilon);
  y[i] = T(v * f32(scale[c]) + f32(bias[c]));
}
