// ConvTranspose (2-D, and 1-D as H = 1), one thread per output element, gathering the input pixels whose
// taps land on it: y[n, m, oh, ow] = bias[m] + Σ_{c in m's group, kh, kw} x[n, c, ih, iw] · w[c, m', kh, kw]
// where oh = ih·SH - PH + kh·DH (and the same along w). Bindings: conv-io.wgsl. Defines: T, BIAS.
#include "conv-io"

struct U {
  total: u32, C: u32, H: u32, W: u32,
  M: u32, OH: u32, OW: u32, Mg: u32,
  Cg: u32, KH: u32, KW: u32, SH: u32,
  SW: u32, PH: u32, PW: u32, DH: u32,
  DW: u32, _p0: u32, _p1: u32, _p2: u32,
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = flat_id(wid, nwg, lid, 64u);
  if (o >= u.total) { return; }
  let ow = o % u.OW;
  let oh = (o / u.OW) % u.OH;
  let m = (o / (u.OW * u.OH)) % u.M;
  let n = o / (u.OW * u.OH * u.M);
  let g = m / u.Mg;
  let ml = m % u.Mg;
  var acc = 0.0;
#ifdef BIAS
  acc = f32(bias[m]);
#endif
  for (var kh = 0u; kh < u.KH; kh++) {
    let hn = i32(oh + u.PH) - i32(kh * u.DH);
    if (hn < 0 || u32(hn) % u.SH != 0u) { continue; }
    let ih = u32(hn) / u.SH;
    if (ih >= u.H) { continue; }
    for (var kw = 0u; kw < u.KW; kw++) {
      let wn = i32(ow + u.PW) - i32(kw * u.DW);
      if (wn < 0 || u32(wn) % u.SW != 0u) { continue; }
      let iw = u32(wn) / u.SW;
      if (iw >= u.W) { continue; }
      for (var cl = 0u; cl < u.Cg; cl++) {
        let c = g * u.Cg + cl;
        acc += f32(x[((n * u.C + c) * u.H + ih) * u.W + iw]) * f32(w[((c * u.Mg + ml) * u.KH + kh) * u.KW + kw]);
      }
    }
  }
  y[o] = T(acc);
}
