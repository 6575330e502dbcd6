// Row normalisation, one workgroup of 64 per row of `inner` elements: LayerNormalization (mean and
// variance), RMSNormalization (RMS), InstanceNormalization (scale/bias per channel = row % C),
// GroupNormalization (a row is one group of C/G channels × spatial: scale/bias per group = row % G, or per
// channel = (row % G)·(C/G) + i / spatial).
// Defines: T, RMS, PER_ROW (one scale/bias per row), PER_GROUP_CHANNEL, BIAS, STATS (Mean and InvStdDev
// outputs, f32).
#include "common"
#include "workgroup-reduce"

struct U { rows: u32, inner: u32, channels: u32, epsilon: f32, spatial: u32, _p0: u32, _p1: u32, _p2: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> scale: array<T>;
@group(0) @binding(3) var<storage, read_write> y: array<T>;
#ifdef BIAS
@group(0) @binding(4) var<storage, read_write> bias: array<T>;
#endif
#ifdef STATS
#ifdef BIAS
@group(0) @binding(5) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> inv_out: array<f32>;
#else
@group(0) @binding(4) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> inv_out: array<f32>;
#endif
#endif

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= u.rows) { return; }
  let base = row * u.inner;
  let n = f32(u.inner);
  var mean = 0.0;
#ifndef RMS
  var s = 0.0;
  for (var i = lid; i < u.inner; i += 64u) { s += f32(x[base + i]); }
  mean = wg_sum(s, lid) / n;
#endif
  var q = 0.0;
  for (var i = lid; i < u.inner; i += 64u) {
    let d = f32(x[base + i]) - mean;
    q += d * d;
  }
  let inv = 1.0 / sqrt(wg_sum(q, lid) / n + u.epsilon);
  for (var i = lid; i < u.inner; i += 64u) {
#ifdef PER_ROW
    let c = row % u.channels;
#elifdef PER_GROUP_CHANNEL
    let c = (row % u.channels) * (u.inner / u.spatial) + i / u.spatial;
#else
    let c = i;
#endif
    var v = (f32(x[base + i]) - mean) * inv * f32(scale[c]);
#ifdef BIAS
    v += f32(bias[c]);
#endif
    y[base + i] = T(v);
  }
#ifdef STATS
  if (lid == 0u) {
    mean_out[row] = mean;
    inv_out[row] = inv;
  }
#endif
}
