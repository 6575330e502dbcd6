// The bindings of the convolution shaders (conv2d.wgsl, depthwise.wgsl, conv-transpose.wgsl), each of which
// declares its own uniforms `struct U`: x (input), w (weights), then y, bias and z (epilogue.wgsl).
// `store_out` writes an output through the fused epilogue.
// Defines: T, BIAS, RESIDUAL, ACT_<Kind> (epilogue.wgsl: U then holds act_alpha and act_beta).
#include "common"
#include "math"
#include "epilogue"

@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> w: array<T>;

// y[o] = act(acc + bias[oc] + z[o]), o in output channel oc.
fn store_out(o: u32, oc: u32, acc: f32) {
  var v = acc;
#ifdef BIAS
  v += f32(bias[oc]);
#endif
#ifdef RESIDUAL
  v += f32(z[o]);
#endif
  y[o] = T(act(v));
}
