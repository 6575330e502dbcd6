// LLM token embedding: y[row_i] = W[local_i] · scale, for pairs (row_i, local_i) in `ids` (the runner's
// token ids, already mapped to this weight part). W in its GGUF type (llm-dequant.wgsl). One thread per 4
// columns of one token. Defines: the weight type (WT_*).
#include "llm-dequant"

struct U { count: u32, cols: u32, row_bytes: u32, scale: f32, groups_x: u32, _p0: u32, _p1: u32, _p2: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> w: array<u32>;
@group(0) @binding(2) var<storage, read_write> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let quads = (u.cols + 3u) / 4u;
  let g = (wid.y * u.groups_x + wid.x) * 64u + t;
  if (g >= u.count * quads) { return; }
  let i = g / quads;
  let k = (g % quads) * 4u;
  let v = dq4(ids[2u * i + 1u] * u.row_bytes, k, u.cols) * u.scale;
  let o = ids[2u * i] * u.cols + k;
  for (var j = 0u; j < 4u; j++) {
    if (k + j < u.cols) { y[o + j] = v[j]; }
  }
}
