// 2-D pooling (1-D runs with H = 1): one thread per output element over its window's taps inside the
// input. Defines: T, one of POOL_MAX / POOL_AVG / POOL_LP, INDICES (MaxPool's second output, i32).
// AveragePool divides by the taps inside the input, or with count_include_pad by the taps inside the
// padded extent [-pad_begin, size + pad_end).
#include "common"

struct U {
  total: u32, H: u32, W: u32, OH: u32,
  OW: u32, KH: u32, KW: u32, stride_h: u32,
  stride_w: u32, pad_h: i32, pad_w: i32, dil_h: u32,
  dil_w: u32, pad_h_end: i32, pad_w_end: i32, count_include_pad: u32,
  p: f32, storage_order: u32, _p0: u32, _p1: u32,
}
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> y: array<T>;
#ifdef INDICES
@group(0) @binding(3) var<storage, read_write> ind: array<i32>;
#endif

fn padded_taps(o: u32, s: u32, d: u32, pb: i32, pe: i32, k: u32, size: u32) -> f32 {
  let start = i32(o * s) - pb;
  var n = 0.0;
  for (var t = 0u; t < k; t++) {
    let i = start + i32(t * d);
    if (i >= -pb && i < i32(size) + pe) { n += 1.0; }
  }
  return n;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.total) { return; }
  let ow = i % u.OW;
  let oh = (i / u.OW) % u.OH;
  let plane = i / (u.OW * u.OH);
  let base = plane * u.H * u.W;
  var count = 0.0;
#ifdef POOL_MAX
  var acc = bitcast<f32>(0xff800000u | (u.total & 0u));
  var arg = -1;
#else
  var acc = 0.0;
#endif
  for (var kh = 0u; kh < u.KH; kh++) {
    let ih = i32(oh * u.stride_h + kh * u.dil_h) - u.pad_h;
    if (ih < 0 || ih >= i32(u.H)) { continue; }
    for (var kw = 0u; kw < u.KW; kw++) {
      let iw = i32(ow * u.stride_w + kw * u.dil_w) - u.pad_w;
      if (iw < 0 || iw >= i32(u.W)) { continue; }
      let v = f32(x[base + u32(ih) * u.W + u32(iw)]);
      count += 1.0;
#ifdef POOL_MAX
      if (v > acc || arg < 0) {
        acc = v;
        arg = select(ih * i32(u.W) + iw, iw * i32(u.H) + ih, u.storage_order == 1u);
      }
#elifdef POOL_AVG
      acc += v;
#elifdef POOL_LP
      acc += pow(abs(v), u.p);
#endif
    }
  }
#ifdef POOL_AVG
  var div = count;
  if (u.count_include_pad != 0u) {
    div = padded_taps(oh, u.stride_h, u.dil_h, u.pad_h, u.pad_h_end, u.KH, u.H) * padded_taps(ow, u.stride_w, u.dil_w, u.pad_w, u.pad_w_end, u.KW, u.W);
  }
  acc = acc / div;
#elifdef POOL_LP
  acc = pow(acc, 1.0 / u.p);
#endif
  y[i] = T(acc);
#ifdef INDICES
  ind[i] = select(-1, i32(plane * u.H * u.W) + arg, arg >= 0);
#endif
}
