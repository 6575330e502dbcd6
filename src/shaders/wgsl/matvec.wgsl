// Matrix-vector products (a few rows of A, M ≤ 4): the 32-row tiles of matmul.wgsl would idle 31 of 32
// rows. Each thread computes 4 adjacent columns for every row, walking K with A's chunk staged in
// workgroup memory. Same uniforms, bindings and defines as matmul.wgsl (TRANS_A excepted).
#include "common"
#include "math"
#include "epilogue"

struct U {
  M: u32, N: u32, K: u32, batch_rank: u32,
  alpha: f32, beta: f32, act_alpha: f32, act_beta: f32,
  bias_stride_m: u32, bias_stride_n: u32, _p0: u32, _p1: u32,
  out_batch: vec4<u32>,
  a_batch_strides: vec4<u32>,
  b_batch_strides: vec4<u32>,
}
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> a: array<T>;
@group(0) @binding(2) var<storage, read_write> b: array<T>;
@group(0) @binding(3) var<storage, read_write> y: array<T>;
#ifdef BIAS
@group(0) @binding(4) var<storage, read_write> c: array<T>;
#ifdef RESIDUAL
@group(0) @binding(5) var<storage, read_write> z: array<T>;
#endif
#elifdef RESIDUAL
@group(0) @binding(4) var<storage, read_write> z: array<T>;
#endif

const CHUNK = 256u;
var<workgroup> As: array<array<f32, 256>, 4>;

fn load_b(off: u32, k: u32, n: u32) -> f32 {
  if (n >= u.N) { return 0.0; }
#ifdef TRANS_B
  return f32(b[off + n * u.K + k]);
#else
  return f32(b[off + k * u.N + n]);
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  var rem = wid.z;
  var a_off = 0u;
  var b_off = 0u;
  for (var k = i32(u.batch_rank) - 1; k >= 0; k--) {
    let s = u.out_batch[k];
    let c = rem % s;
    rem = rem / s;
    a_off += c * u.a_batch_strides[k];
    b_off += c * u.b_batch_strides[k];
  }
  let n0 = wid.x * 256u + t * 4u;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < u.K; k0 += CHUNK) {
    for (var i = t; i < CHUNK * 4u; i += 64u) {
      let m = i / CHUNK;
      let k = k0 + i % CHUNK;
      As[m][i % CHUNK] = select(0.0, f32(a[a_off + m * u.K + k]), m < u.M && k < u.K);
    }
    workgroupBarrier();
    let kn = min(CHUNK, u.K - k0);
    for (var k = 0u; k < kn; k++) {
      let bv = vec4<f32>(load_b(b_off, k0 + k, n0), load_b(b_off, k0 + k, n0 + 1u), load_b(b_off, k0 + k, n0 + 2u), load_b(b_off, k0 + k, n0 + 3u));
      for (var m = 0u; m < u.M; m++) {
        acc[m] += As[m][k] * bv;
      }
    }
    workgroupBarrier();
  }
  let out_off = wid.z * u.M * u.N;
  for (var m = 0u; m < u.M; m++) {
    for (var q = 0u; q < 4u; q++) {
      let n = n0 + q;
      if (n >= u.N) { break; }
      var v = u.alpha * acc[m][q];
#ifdef BIAS
      v += u.beta * f32(c[m * u.bias_stride_m + n * u.bias_stride_n]);
#endif
#ifdef RESIDUAL
      v += f32(z[out_off + m * u.N + n]);
#endif
      y[out_off + m * u.N + n] = T(act(v));
    }
  }
}
