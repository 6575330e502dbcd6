// LLM norms over groups of g consecutive values (one group per row, or per head for q/k norms):
// RMS: v / sqrt(mean(v²) + eps); LAYER: (v - mean) / sqrt(var + eps); then · weight (+ bias).
// One workgroup of 64 per group, sums tree-reduced in workgroup memory.
// Defines: LAYER, BIAS, INPLACE (the output is x itself: one binding).
#include "common"
#include "workgroup-reduce"

struct U { groups: u32, g: u32, eps: f32, groups_x: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> weight: array<f32>;
#ifdef BIAS
@group(0) @binding(3) var<storage, read_write> bias: array<f32>;
#endif
#ifndef INPLACE
#ifdef BIAS
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
#else
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
#endif
#endif

fn store(i: u32, v: f32) {
#ifdef INPLACE
  x[i] = v;
#else
  y[i] = v;
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let grp = wid.y * u.groups_x + wid.x;
  if (grp >= u.groups) { return; }
  let at = grp * u.g;
  var mean = 0.0;
#ifdef LAYER
  var s = 0.0;
  for (var c = t; c < u.g; c += 64u) { s += x[at + c]; }
  mean = wg_sum(s, t) / f32(u.g);
#endif
  var sq = 0.0;
  for (var c = t; c < u.g; c += 64u) {
    let d = x[at + c] - mean;
    sq += d * d;
  }
  let scale = 1.0 / sqrt(wg_sum(sq, t) / f32(u.g) + u.eps);
  for (var c = t; c < u.g; c += 64u) {
    var v = ((x[at + c] - mean) * scale) * weight[c];
#ifdef BIAS
    v += bias[c];
#endif
    store(at + c, v);
  }
}
