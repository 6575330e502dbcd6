// y = TO(x): element type conversion. Defines: TI, TO; TO_BOOL for bool targets (any non-zero → 1).
// f32 → i32/u32 rounds toward zero and saturates (WGSL's conversion).
#include "common"

struct U { n: u32, _p0: u32, _p1: u32, _p2: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<TI>;
@group(0) @binding(2) var<storage, read_write> y: array<TO>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.n) { return; }
#ifdef TO_BOOL
  y[i] = select(0u, 1u, x[i] != TI(0));
#else
  y[i] = TO(x[i]);
#endif
}
