// y = clamp(x, lo, hi). Bounds come from uniforms (opset < 11 attributes) or, with MIN_INPUT / MAX_INPUT,
// from one-element tensors read on the GPU (so a run never waits for them). Defines: T.
#include "common"

struct U { n: u32, lo: f32, hi: f32, _p: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> y: array<T>;
#ifdef MIN_INPUT
@group(0) @binding(3) var<storage, read_write> lo_t: array<T>;
#endif
#ifdef MAX_INPUT
#ifdef MIN_INPUT
@group(0) @binding(4) var<storage, read_write> hi_t: array<T>;
#else
@group(0) @binding(3) var<storage, read_write> hi_t: array<T>;
#endif
#endif

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.n) { return; }
  var v = x[i];
#ifdef MIN_INPUT
  v = max(v, lo_t[0]);
#elifdef MIN_UNIFORM
  v = max(v, T(u.lo));
#endif
#ifdef MAX_INPUT
  v = min(v, hi_t[0]);
#elifdef MAX_UNIFORM
  v = min(v, T(u.hi));
#endif
  y[i] = v;
}
