// LLM causal attention over the KV cache (after llm-kv-store wrote this batch's keys and values): one
// workgroup of 64 per (token row i, query head h), at position p = pos + i, reading KV head
// h / (heads / kv_heads). Keys t in [first, p] (first = p + 1 - window with a sliding window) go by in
// tiles of 64: scores q·k·scale (soft-capped), then an online softmax (running max and sum, the partial
// output rescaled when the max grows), so any context length fits in fixed workgroup memory. Each thread
// owns output dims d = t, t + 64, … (head dims up to 512).
// SERIAL: for short work (few positions × small heads, as in the first tokens of a decode) one thread per
// (row, head) walks its positions alone with the same online softmax: no barriers (head dims up to 64).
// Defines: F16 (cache of packed f16 pairs), SOFTCAP, SERIAL.
#include "workgroup-reduce"

struct U {
  n: u32, pos: u32, heads: u32, kv_heads: u32,
  hd: u32, window: u32, q_cols: u32, kvw: u32,
  scale: f32, softcap: f32, groups_x: u32, _p: u32,
}
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> q: array<f32>;
#ifdef F16
@group(0) @binding(2) var<storage, read_write> kc: array<u32>;
@group(0) @binding(3) var<storage, read_write> vc: array<u32>;
#else
@group(0) @binding(2) var<storage, read_write> kc: array<f32>;
@group(0) @binding(3) var<storage, read_write> vc: array<f32>;
#endif
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

const LOW = -3.0e38;
var<workgroup> qs: array<f32, 512>;
var<workgroup> pr: array<f32, 64>;

fn kval(i: u32) -> f32 {
#ifdef F16
  return unpack2x16float(kc[i >> 1u])[i & 1u];
#else
  return kc[i];
#endif
}

fn vval(i: u32) -> f32 {
#ifdef F16
  return unpack2x16float(vc[i >> 1u])[i & 1u];
#else
  return vc[i];
#endif
}

fn score(qo: u32, ko: u32) -> f32 {
  var dotv = 0.0;
  for (var d = 0u; d < u.hd; d++) {
#ifdef SERIAL
    dotv += q[qo + d] * kval(ko + d);
#else
    dotv += qs[d] * kval(ko + d);
#endif
  }
  var s = dotv * u.scale;
#ifdef SOFTCAP
  s = u.softcap * tanh(clamp(s / u.softcap, -15.0, 15.0));
#endif
  return s;
}

fn first_pos(p: u32) -> u32 {
  if (u.window > 0u && p + 1u > u.window) { return p + 1u - u.window; }
  return 0u;
}

#ifdef SERIAL
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let row = (wid.y * u.groups_x + wid.x) * 64u + t;
  if (row >= u.n * u.heads) { return; }
  let i = row / u.heads;
  let h = row % u.heads;
  let p = u.pos + i;
  let kv_at = (h / (u.heads / u.kv_heads)) * u.hd;
  let qo = i * u.q_cols + h * u.hd;
  var m_run = LOW;
  var l_run = 0.0;
  var acc: array<f32, 64>;
  for (var tt = first_pos(p); tt <= p; tt++) {
    let s = score(qo, tt * u.kvw + kv_at);
    let m_new = max(m_run, s);
    let alpha = exp(m_run - m_new);
    let e = exp(s - m_new);
    l_run = l_run * alpha + e;
    for (var d = 0u; d < u.hd; d++) { acc[d] = acc[d] * alpha + e * vval(tt * u.kvw + kv_at + d); }
    m_run = m_new;
  }
  for (var d = 0u; d < u.hd; d++) { y[qo + d] = acc[d] / l_run; }
}
#else
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let row = wid.y * u.groups_x + wid.x;
  if (row >= u.n * u.heads) { return; }
  let i = row / u.heads;
  let h = row % u.heads;
  let p = u.pos + i;
  let first = first_pos(p);
  let kv_at = (h / (u.heads / u.kv_heads)) * u.hd;
  for (var d = t; d < u.hd; d += 64u) { qs[d] = q[i * u.q_cols + h * u.hd + d]; }
  workgroupBarrier();
  var m_run = LOW;
  var l_run = 0.0;
  var acc: array<f32, 8>;
  for (var t0 = first; t0 <= p; t0 += 64u) {
    let tt = t0 + t;
    let valid = tt <= p;
    var s = LOW;
    if (valid) { s = score(0u, tt * u.kvw + kv_at); }
    let m_new = max(m_run, wg_max(s, t));
    let alpha = exp(m_run - m_new);
    let e = select(0.0, exp(s - m_new), valid);
    pr[t] = e;
    l_run = l_run * alpha + wg_sum(e, t);
    let cnt = min(64u, p + 1u - t0);
    for (var j = 0u; j < 8u; j++) {
      let d = t + 64u * j;
      if (d >= u.hd) { break; }
      var a = acc[j] * alpha;
      for (var jj = 0u; jj < cnt; jj++) { a += pr[jj] * vval((t0 + jj) * u.kvw + kv_at + d); }
      acc[j] = a;
    }
    m_run = m_new;
    workgroupBarrier();
  }
  let inv = 1.0 / l_run;
  for (var j = 0u; j < 8u; j++) {
    let d = t + 64u * j;
    if (d >= u.hd) { break; }
    y[i * u.q_cols + h * u.hd + d] = acc[j] * inv;
  }
}
#endif
