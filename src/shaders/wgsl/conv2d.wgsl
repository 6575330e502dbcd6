// Conv2D as an implicit GEMM, per (batch, group): y[oc, p] = Σ_k W[oc, k] · X̂[k, p] (+ bias[oc]) (then ACT),
// with k = (c, kh, kw) over the group's input channels and p = (oh, ow). X̂ is never materialised: the B tile
// is gathered from the input with padding, strides and dilations. Same tiling as matmul.wgsl.
// Bindings and defines: conv-io.wgsl.
#include "conv-io"
#include "gemm-tile"

struct U {
  oc_per_group: u32, P: u32, K: u32, groups: u32,
  C: u32, H: u32, W: u32, OC: u32,
  OH: u32, OW: u32, KH: u32, KW: u32,
  stride_h: u32, stride_w: u32, pad_h: i32, pad_w: i32,
  dil_h: u32, dil_w: u32, act_alpha: f32, act_beta: f32,
}


@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let n = wid.z / u.groups;
  let g = wid.z % u.groups;
  let cg = u.C / u.groups;
  let row0 = wid.y * TILE;  // output channel within the group
  let col0 = wid.x * TILE;  // output position
  let w_base = g * u.oc_per_group * u.K;
  let x_base = (n * u.C + g * cg) * u.H * u.W;
  let khw = u.KH * u.KW;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < u.K; k0 += TILE) {
    for (var i = 0u; i < 16u; i++) {
      let idx = t + i * 64u;
      let r = idx / TILE;
      let q = idx % TILE;
      // Weights: row r of the tile, column q.
      let oc = row0 + r;
      let kw_idx = k0 + q;
      var wv = 0.0;
      if (oc < u.oc_per_group && kw_idx < u.K) { wv = f32(w[w_base + oc * u.K + kw_idx]); }
      As[q][r / 4u][r % 4u] = wv;
      // Input patch: row r of the tile is k, column q the output position.
      let k = k0 + r;
      let p = col0 + q;
      var xv = 0.0;
      if (k < u.K && p < u.P) {
        let c = k / khw;
        let rs = k % khw;
        let ih = i32((p / u.OW) * u.stride_h + (rs / u.KW) * u.dil_h) - u.pad_h;
        let iw = i32((p % u.OW) * u.stride_w + (rs % u.KW) * u.dil_w) - u.pad_w;
        if (ih >= 0 && ih < i32(u.H) && iw >= 0 && iw < i32(u.W)) {
          xv = f32(x[x_base + (c * u.H + u32(ih)) * u.W + u32(iw)]);
        }
      }
      Bs[r][q / 4u][q % 4u] = xv;
    }
    workgroupBarrier();
    tile_fma(&acc, lid.x, lid.y);
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let ocg = row0 + lid.y * 4u + r;
    if (ocg >= u.oc_per_group) { break; }
    let oc = g * u.oc_per_group + ocg;
    for (var q = 0u; q < 4u; q++) {
      let p = col0 + lid.x * 4u + q;
      if (p >= u.P) { break; }
      store_out((n * u.OC + oc) * u.P + p, oc, acc[r][q]);
    }
  }
}
