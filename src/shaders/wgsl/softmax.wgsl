// Softmax / LogSoftmax / Hardmax over the middle axis of x viewed as [outer, n, inner]. ROW (inner = 1):
// a workgroup of 64 per row (max, then sum of exponentials, in workgroup memory); otherwise one thread per
// (outer, inner) column. Defines: T, ROW, LOG (LogSoftmax), HARD (Hardmax: 1 at the first maximum).
#include "common"

struct U { outer: u32, n: u32, inner: u32, _p: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> y: array<T>;

fn out_value(v: f32, m: f32, s: f32, r: u32, arg: u32) -> T {
#ifdef HARD
  return T(select(0.0, 1.0, r == arg));
#elifdef LOG
  return T(v - m - log(s));
#else
  return T(exp(v - m) / s);
#endif
}

#ifdef ROW
var<workgroup> red: array<f32, 64>;
var<workgroup> red_i: array<u32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= u.outer) { return; }
  let base = row * u.n;
  var m = bitcast<f32>(0xff800000u | (u.n & 0u));
  var mi = 0xffffffffu;
  for (var r = lid; r < u.n; r += 64u) {
    let v = f32(x[base + r]);
    if (v > m || mi == 0xffffffffu) { m = v; mi = r; }
  }
  red[lid] = m;
  red_i[lid] = mi;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid < s) {
      let b = red[lid + s];
      let bi = red_i[lid + s];
      if (bi != 0xffffffffu && (red_i[lid] == 0xffffffffu || b > red[lid] || (b == red[lid] && bi < red_i[lid]))) {
        red[lid] = b;
        red_i[lid] = bi;
      }
    }
    workgroupBarrier();
  }
  let mx = red[0];
  let arg = red_i[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var r = lid; r < u.n; r += 64u) { sum += exp(f32(x[base + r]) - mx); }
  red[lid] = sum;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  for (var r = lid; r < u.n; r += 64u) { y[base + r] = out_value(f32(x[base + r]), mx, total, r, arg); }
}
#else
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.outer * u.inner) { return; }
  let base = (i / u.inner) * u.n * u.inner + i % u.inner;
  var m = bitcast<f32>(0xff800000u | (u.n & 0u));
  var arg = 0u;
  for (var r = 0u; r < u.n; r++) {
    let v = f32(x[base + r * u.inner]);
    if (v > m || r == 0u) { m = v; arg = r; }
  }
  var sum = 0.0;
  for (var r = 0u; r < u.n; r++) { sum += exp(f32(x[base + r * u.inner]) - m); }
  for (var r = 0u; r < u.n; r++) { y[base + r * u.inner] = out_value(f32(x[base + r * u.inner]), m, sum, r, arg); }
}
#endif
