// Index of the largest value of each of `rows` rows of x from row0 (the first on ties), so greedy decoding
// reads back 4 bytes a token. One workgroup of 256 per row.
struct U { rows: u32, cols: u32, row0: u32, _p: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;

var<workgroup> bv: array<f32, 256>;
var<workgroup> bi: array<u32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let row = wid.x;
  if (row >= u.rows) { return; }
  let base = (u.row0 + row) * u.cols;
  var best = 0.0;
  var at = 0xffffffffu;
  for (var c = t; c < u.cols; c += 256u) {
    let v = x[base + c];
    if (at == 0xffffffffu || v > best) { best = v; at = c; }
  }
  bv[t] = best;
  bi[t] = at;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (t < s) {
      let ov = bv[t + s];
      let oi = bi[t + s];
      if (oi != 0xffffffffu && (bi[t] == 0xffffffffu || ov > bv[t] || (ov == bv[t] && oi < bi[t]))) {
        bv[t] = ov;
        bi[t] = oi;
      }
    }
    workgroupBarrier();
  }
  if (t == 0u) { out[row] = i32(bi[0]); }
}
