// ONNX Attention (no KV cache): one workgroup per (batch, head, query row). Scores for every key go to
// workgroup memory (up to 2048 keys), then a softmax with a fully-masked-row guard (all zeros), then
// y = P·V. Grouped-query heads share K/V (head h reads kv head h / group). Defines: T, PACKED (3-D
// [B, S, H·D] layout), MASK_BOOL / MASK_FLOAT (attn_mask, broadcast through strides), CAUSAL, SOFTCAP.
#include "common"
#include "workgroup-reduce"

struct U {
  B: u32, Hq: u32, Hkv: u32, Sq: u32,
  Skv: u32, D: u32, Dv: u32, rows: u32,
  scale: f32, softcap: f32, mask_len: u32, _p: u32,
  mask_strides: vec4<u32>,
}
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> q: array<T>;
@group(0) @binding(2) var<storage, read_write> k: array<T>;
@group(0) @binding(3) var<storage, read_write> v: array<T>;
@group(0) @binding(4) var<storage, read_write> y: array<T>;
#ifdef MASK_BOOL
@group(0) @binding(5) var<storage, read_write> mask: array<u32>;
#elifdef MASK_FLOAT
@group(0) @binding(5) var<storage, read_write> mask: array<T>;
#endif

const MAX_KEYS = 2048u;
var<workgroup> scores: array<f32, 2048>;
var<workgroup> qs: array<f32, 256>;

fn row_offset(b: u32, h: u32, s: u32, heads: u32, seq: u32, d: u32) -> u32 {
#ifdef PACKED
  return ((b * seq + s) * heads + h) * d;
#else
  return ((b * heads + h) * seq + s) * d;
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= u.rows) { return; }
  let i = row % u.Sq;
  let h = (row / u.Sq) % u.Hq;
  let b = row / (u.Sq * u.Hq);
  let hk = h / (u.Hq / u.Hkv);
  let qo = row_offset(b, h, i, u.Hq, u.Sq, u.D);
  for (var d = t; d < u.D; d += 64u) { qs[d] = f32(q[qo + d]); }
  workgroupBarrier();
  let neg_inf = bitcast<f32>(0xff800000u | (u.rows & 0u));
  let m_base = b * u.mask_strides.x + h * u.mask_strides.y + i * u.mask_strides.z;
  var mx = neg_inf;
  for (var j = t; j < u.Skv; j += 64u) {
    let ko = row_offset(b, hk, j, u.Hkv, u.Skv, u.D);
    var s = 0.0;
    for (var d = 0u; d < u.D; d++) { s += qs[d] * f32(k[ko + d]); }
    s *= u.scale;
#ifdef SOFTCAP
    s = u.softcap * tanh(clamp(s / u.softcap, -15.0, 15.0));
#endif
#ifdef MASK_BOOL
    if (j >= u.mask_len || mask[m_base + j * u.mask_strides.w] == 0u) { s = neg_inf; }
#elifdef MASK_FLOAT
    if (j >= u.mask_len) { s = neg_inf; } else { s += f32(mask[m_base + j * u.mask_strides.w]); }
#endif
#ifdef CAUSAL
    if (j > i) { s = neg_inf; }
#endif
    scores[j] = s;
    mx = max(mx, s);
  }
  let m = wg_max(mx, t);
  var sum = 0.0;
  for (var j = t; j < u.Skv; j += 64u) {
    let e = select(exp(scores[j] - m), 0.0, m == neg_inf);
    scores[j] = e;
    sum += e;
  }
  let total = wg_sum(sum, t);
  let inv = select(1.0 / total, 0.0, total == 0.0);
  let yo = row_offset(b, h, i, u.Hq, u.Sq, u.Dv);
  for (var d = t; d < u.Dv; d += 64u) {
    var acc = 0.0;
    for (var j = 0u; j < u.Skv; j++) {
      acc += scores[j] * f32(v[row_offset(b, hk, j, u.Hkv, u.Skv, u.Dv) + d]);
    }
    y[yo + d] = T(acc * inv);
  }
}
