// LLM matmul for a few token rows (decode): y[m, r0 + r] (+)= Σ_k x[m, k] · W[r, k] (+ bias[r0 + r]), W in its
// GGUF type. TPR threads share a weight row (a workgroup of WG holds WG / TPR rows) and walk K four columns
// at a time; each decoded weight vec4 serves up to 4 token rows (grid z steps through the token rows by 4).
// The TPR partial sums are then added: a tree in workgroup memory, or subgroupAdd (SUBGROUPS, with
// TPR = WG = 64). TPR = 1 (short rows) needs no barrier at all. Bindings, r0 and acc: llm-linear-io.wgsl.
// Defines: the weight type (WT_*), TPR (1, 4, 16 or 64), WG (256, or 64 with TPR 64), BIAS, SUBGROUPS.
#ifdef SUBGROUPS
enable subgroups;
#endif
#include "llm-linear-io"

struct U { N: u32, K: u32, M: u32, row_bytes: u32, r0: u32, out_cols: u32, groups_x: u32, acc: u32 }

const RPW = WG / TPR;
var<workgroup> red: array<vec4<f32>, WG>;

fn x4(m: u32, k: u32) -> vec4<f32> {
  let i = m * u.K + k;
  if (k + 4u <= u.K) { return vec4<f32>(x[i], x[i + 1u], x[i + 2u], x[i + 3u]); }
  return vec4<f32>(x[i], select(0.0, x[i + 1u], k + 1u < u.K), select(0.0, x[i + 2u], k + 2u < u.K), 0.0);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32
#ifdef SUBGROUPS
  , @builtin(subgroup_invocation_id) sg_id: u32
#endif
) {
  let r = (wid.y * u.groups_x + wid.x) * RPW + t / TPR;
  let lane = t % TPR;
  let m0 = wid.z * 4u;
  let rows = min(4u, u.M - m0);
  let live = r < u.N;
  let base = min(r, u.N - 1u) * u.row_bytes;
  var acc = vec4<f32>(0.0);
  if (live) {
    for (var k = lane * 4u; k < u.K; k += TPR * 4u) {
      let wv = dq4(base, k, u.K);
      acc.x += dot(wv, x4(m0, k));
      if (rows > 1u) { acc.y += dot(wv, x4(m0 + 1u, k)); }
      if (rows > 2u) { acc.z += dot(wv, x4(m0 + 2u, k)); }
      if (rows > 3u) { acc.w += dot(wv, x4(m0 + 3u, k)); }
    }
  }
#ifdef SUBGROUPS
  // One slot per thread, non-zero for each subgroup's first lane (no assumption about which threads share
  // a subgroup), then thread 0 adds the WG slots.
  let part = subgroupAdd(acc);
  red[t] = select(vec4<f32>(0.0), part, sg_id == 0u);
  workgroupBarrier();
  if (t == 0u) {
    var s = vec4<f32>(0.0);
    for (var i = 0u; i < WG; i++) { s += red[i]; }
    acc = s;
  }
#else
  if (TPR > 1u) {
    red[t] = acc;
    workgroupBarrier();
    for (var s = TPR / 2u; s > 0u; s >>= 1u) {
      if (lane < s) { red[t] += red[t + s]; }
      workgroupBarrier();
    }
    acc = red[t];
  }
#endif
  if (!live || lane != 0u) { return; }
  for (var m = 0u; m < rows; m++) {
    store_out(m0 + m, r, acc[m]);
  }
}
