// y = f(x) for one unary op, elementwise. Defines: T (element type), OP_<Name> (exactly one).
// Uniform scalars alpha/beta/gamma carry the op's attributes (LeakyRelu alpha, Selu gamma, Shrink lambd…).
#include "common"
#include "math"

struct U { n: u32, alpha: f32, beta: f32, gamma: f32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> y: array<TY>;

fn op(v: T) -> TY {
#ifdef OP_Abs
  return abs(v);
#elifdef OP_Neg
  return -v;
#elifdef OP_Sign
  return sign(v);
#elifdef OP_Relu
  return max(v, T(0));
#elifdef OP_Exp
  return exp(v);
#elifdef OP_Log
  return log(v);
#elifdef OP_Sqrt
  return sqrt(v);
#elifdef OP_Reciprocal
  return T(1) / v;
#elifdef OP_Floor
  return floor(v);
#elifdef OP_Ceil
  return ceil(v);
#elifdef OP_Round
  return round(v);
#elifdef OP_Sin
  return sin(v);
#elifdef OP_Cos
  return cos(v);
#elifdef OP_Tan
  return tan(v);
#elifdef OP_Asin
  return asin(v);
#elifdef OP_Acos
  return acos(v);
#elifdef OP_Atan
  return atan(v);
#elifdef OP_Sinh
  return T(sinh(f32(v)));
#elifdef OP_Cosh
  return T(cosh(f32(v)));
#elifdef OP_Asinh
  return asinh(v);
#elifdef OP_Acosh
  return acosh(v);
#elifdef OP_Atanh
  return atanh(v);
#elifdef OP_Erf
  return T(erf_f32(f32(v)));
#elifdef OP_Not
  return select(0u, 1u, v == 0u);
#elifdef OP_BitwiseNot
  return ~v;
#elifdef OP_IsNaN
  return select(0u, 1u, is_nan_f32(f32(v)));
#elifdef OP_IsInf
  let b = bitcast<u32>(f32(v));
  let inf = (b & 0x7fffffffu) == 0x7f800000u;
  let neg = (b & 0x80000000u) != 0u;
  return select(0u, 1u, inf && ((neg && u.alpha != 0.0) || (!neg && u.beta != 0.0)));
#elifdef OP_Sigmoid
  return T(sigmoid_f32(f32(v)));
#elifdef OP_Tanh
  return T(tanh(clamp(f32(v), -15.0, 15.0)));
#elifdef OP_HardSigmoid
  return T(clamp(u.alpha * f32(v) + u.beta, 0.0, 1.0));
#elifdef OP_HardSwish
  return T(f32(v) * clamp(f32(v) / 6.0 + 0.5, 0.0, 1.0));
#elifdef OP_LeakyRelu
  return select(v, T(u.alpha) * v, v < T(0));
#elifdef OP_Elu
  return select(v, T(u.alpha * expm1_f32(f32(v))), v < T(0));
#elifdef OP_Selu
  return T(select(u.gamma * u.alpha * expm1_f32(f32(v)), u.gamma * f32(v), f32(v) > 0.0));
#elifdef OP_Celu
  return T(max(0.0, f32(v)) + min(0.0, u.alpha * expm1_f32(f32(v) / u.alpha)));
#elifdef OP_Softplus
  return T(softplus_f32(f32(v)));
#elifdef OP_Softsign
  return v / (T(1) + abs(v));
#elifdef OP_Mish
  return T(f32(v) * tanh(clamp(softplus_f32(f32(v)), -15.0, 15.0)));
#elifdef OP_Gelu
  return T(gelu_f32(f32(v)));
#elifdef OP_GeluTanh
  return T(gelu_tanh_f32(f32(v)));
#elifdef OP_Swish
  return T(f32(v) * sigmoid_f32(u.alpha * f32(v)));
#elifdef OP_ThresholdedRelu
  return select(T(0), v, f32(v) > u.alpha);
#elifdef OP_Shrink
  let fv = f32(v);
  return T(select(select(0.0, fv - u.alpha, fv > u.beta), fv + u.alpha, fv < -u.beta));
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.n) { return; }
  y[i] = op(x[i]);
}
