// Depthwise Conv2D (one input channel per group): one thread per output element,
// y[n, oc, oh, ow] = Σ_{kh, kw} x[n, oc / mult, ih, iw] · w[oc, kh, kw] (+ bias[oc]) (then ACT).
// Bindings and defines: conv-io.wgsl.
#include "conv-io"

struct U {
  total: u32, C: u32, H: u32, W: u32,
  OC: u32, OH: u32, OW: u32, mult: u32,
  KH: u32, KW: u32, stride_h: u32, stride_w: u32,
  pad_h: i32, pad_w: i32, dil_h: u32, dil_w: u32,
  act_alpha: f32, act_beta: f32, _p0: u32, _p1: u32,
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.total) { return; }
  let ow = i % u.OW;
  let oh = (i / u.OW) % u.OH;
  let oc = (i / (u.OW * u.OH)) % u.OC;
  let n = i / (u.OW * u.OH * u.OC);
  let x_base = (n * u.C + oc / u.mult) * u.H * u.W;
  let w_base = oc * u.KH * u.KW;
  var acc = 0.0;
  for (var kh = 0u; kh < u.KH; kh++) {
    let ih = i32(oh * u.stride_h + kh * u.dil_h) - u.pad_h;
    if (ih < 0 || ih >= i32(u.H)) { continue; }
    for (var kw = 0u; kw < u.KW; kw++) {
      let iw = i32(ow * u.stride_w + kw * u.dil_w) - u.pad_w;
      if (iw < 0 || iw >= i32(u.W)) { continue; }
      acc += f32(x[x_base + u32(ih) * u.W + u32(iw)]) * f32(w[w_base + kh * u.KW + kw]);
    }
  }
  store_out(i, oc, acc);
}
