// The output side of the matmul and convolution shaders (gemm-io.wgsl, conv-io.wgsl), which FusedConv,
// FusedMatMul and FusedGemm extend: the bindings of the output y, the bias (BIAS: Gemm's C, or one value per
// output channel) and the residual z (RESIDUAL: the output's shape, added), after the includer's bindings
// 0-2; and the fused activation `act(v)`, picked by define (ACT_<Kind>), which reads its parameters from the
// including shader's uniforms `u.act_alpha` and `u.act_beta` (Clip: min, max; LeakyRelu: alpha;
// HardSigmoid: alpha, beta; Silu: alpha). Needs "math".

@group(0) @binding(3) var<storage, read_write> y: array<T>;
#ifdef BIAS
@group(0) @binding(4) var<storage, read_write> bias: array<T>;
#ifdef RESIDUAL
@group(0) @binding(5) var<storage, read_write> z: array<T>;
#endif
#elifdef RESIDUAL
@group(0) @binding(4) var<storage, read_write> z: array<T>;
#endif

fn act(v: f32) -> f32 {
#ifdef ACT_Relu
  return max(v, 0.0);
#elifdef ACT_Clip
  return clamp(v, u.act_alpha, u.act_beta);
#elifdef ACT_Sigmoid
  return sigmoid_f32(v);
#elifdef ACT_Tanh
  return tanh(clamp(v, -15.0, 15.0));
#elifdef ACT_Gelu
  return gelu_f32(v);
#elifdef ACT_GeluTanh
  return gelu_tanh_f32(v);
#elifdef ACT_HardSwish
  return v * clamp(v / 6.0 + 0.5, 0.0, 1.0);
#elifdef ACT_Silu
  return v * sigmoid_f32(u.act_alpha * v);
#elifdef ACT_LeakyRelu
  return select(v, u.act_alpha * v, v < 0.0);
#elifdef ACT_HardSigmoid
  return clamp(u.act_alpha * v + u.act_beta, 0.0, 1.0);
#else
  return v;
#endif
}
