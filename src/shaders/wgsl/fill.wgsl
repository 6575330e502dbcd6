// y[i] = value (the bits of one 32-bit element). Defines: none.
#include "common"

struct U { n: u32, value: u32, _p0: u32, _p1: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> y: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.n) { return; }
  y[i] = u.value;
}
