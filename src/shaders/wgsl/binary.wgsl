// y = a ⊕ b elementwise with numpy broadcasting. Defines: TA, TB (input elements; TB differs only for
// Pow), TY (output element: TA, or u32 for comparisons), OP_<Name>, and BROADCAST when the inputs are
// read through strides (0 on broadcast axes) rather than at the output's index.
#include "common"

struct U {
  n: u32, rank: u32, scale: f32, _pad: u32,
  out_shape: array<vec4<u32>, 2>,
  a_strides: array<vec4<u32>, 2>,
  b_strides: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> a: array<TA>;
@group(0) @binding(2) var<storage, read_write> b: array<TB>;
@group(0) @binding(3) var<storage, read_write> y: array<TY>;

#ifdef OP_Pow
fn pow_f(x: TA, e: TA) -> TA {
  if (e == TA(2)) { return x * x; }
  if (e == TA(0)) { return TA(1); }
  if (e == TA(1)) { return x; }
  let r = pow(abs(x), e);
  if (x < TA(0)) {
    // Negative base: defined for integral exponents only (sign from the exponent's parity).
    if (fract(e) != TA(0)) { return TA(bitcast<f32>(0x7fc00000u | (u.n & 0u))); }
    if (fract(e * TA(0.5)) != TA(0)) { return -r; }
  }
  return r;
}
#endif

fn op(x: TA, z: TB) -> TY {
#ifdef OP_Add
  return x + z;
#elifdef OP_Sub
  return x - z;
#elifdef OP_Mul
  return x * z;
#elifdef OP_Div
  return x / z;
#elifdef OP_Pow
  return pow_f(x, TA(z));
#elifdef OP_Mod
  let r = x % z;
  return select(r, r + z, r != TA(0) && ((r < TA(0)) != (z < TA(0))));
#elifdef OP_Fmod
  return x % z;
#elifdef OP_UMod
  return x % z;
#elifdef OP_And
  return select(0u, 1u, x != 0u && z != 0u);
#elifdef OP_Or
  return select(0u, 1u, x != 0u || z != 0u);
#elifdef OP_Xor
  return select(0u, 1u, (x != 0u) != (z != 0u));
#elifdef OP_Equal
  return select(0u, 1u, x == z);
#elifdef OP_Less
  return select(0u, 1u, x < z);
#elifdef OP_LessOrEqual
  return select(0u, 1u, x <= z);
#elifdef OP_Greater
  return select(0u, 1u, x > z);
#elifdef OP_GreaterOrEqual
  return select(0u, 1u, x >= z);
#elifdef OP_ShiftLeft
  return select(x << (z & 31u), 0u, z >= 32u);
#elifdef OP_ShiftRight
  return select(x >> (z & 31u), 0u, z >= 32u);
#elifdef OP_BitwiseAnd
  return x & z;
#elifdef OP_BitwiseOr
  return x | z;
#elifdef OP_BitwiseXor
  return x ^ z;
#elifdef OP_Max
  return max(x, z);
#elifdef OP_Min
  return min(x, z);
#elifdef OP_AddScale
  return (x + z) * TA(u.scale);
#elifdef OP_PRelu
  return select(x, x * z, x < TA(0));
#elifdef OP_SwiGLU
  return x * TA(1.0 / (1.0 + exp(-u.scale * f32(x)))) * z;
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.n) { return; }
#ifdef BROADCAST
  var rem = i;
  var ia = 0u;
  var ib = 0u;
  for (var k = i32(u.rank) - 1; k >= 0; k--) {
    let s = dim(u.out_shape, u32(k));
    let c = rem % s;
    rem = rem / s;
    ia += c * dim(u.a_strides, u32(k));
    ib += c * dim(u.b_strides, u32(k));
  }
  y[i] = op(a[ia], b[ib]);
#else
  y[i] = op(a[i], b[i]);
#endif
}
