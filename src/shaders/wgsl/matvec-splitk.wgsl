// Split-K matrix-vector products (M ≤ 4 rows, few columns, long K): the 4-columns-a-thread matvec.wgsl
// would leave most of a workgroup idle when N is small. Here a workgroup of 64 computes 4 columns for
// every row: each thread walks K with a stride of 64, then the partial sums are added, with subgroupAdd
// and one step through workgroup memory (SUBGROUPS) or a tree in workgroup memory. Same uniforms,
// bindings and defines as matvec.wgsl, plus SUBGROUPS.
#ifdef SUBGROUPS
enable subgroups;
#endif
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

var<workgroup> red: array<array<vec4<f32>, 4>, 64>;

fn load_b(off: u32, k: u32, n: u32) -> f32 {
  if (n >= u.N) { return 0.0; }
#ifdef TRANS_B
  return f32(b[off + n * u.K + k]);
#else
  return f32(b[off + k * u.N + n]);
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32
#ifdef SUBGROUPS
  , @builtin(subgroup_invocation_id) sg_id: u32
#endif
) {
  var rem = wid.z;
  var a_off = 0u;
  var b_off = 0u;
  for (var k = i32(u.batch_rank) - 1; k >= 0; k--) {
    let s = u.out_batch[k];
    let cc = rem % s;
    rem = rem / s;
    a_off += cc * u.a_batch_strides[k];
    b_off += cc * u.b_batch_strides[k];
  }
  let n0 = wid.x * 4u;
  var acc: array<vec4<f32>, 4>;
  for (var k = t; k < u.K; k += 64u) {
    let bv = vec4<f32>(load_b(b_off, k, n0), load_b(b_off, k, n0 + 1u), load_b(b_off, k, n0 + 2u), load_b(b_off, k, n0 + 3u));
    for (var m = 0u; m < u.M; m++) {
      acc[m] += f32(a[a_off + m * u.K + k]) * bv;
    }
  }
#ifdef SUBGROUPS
  // One slot per thread, non-zero for each subgroup's first lane (no assumption about which threads share
  // a subgroup), then thread 0 adds the 64 slots.
  for (var m = 0u; m < 4u; m++) {
    let s = subgroupAdd(acc[m]);
    red[t][m] = select(vec4<f32>(0.0), s, sg_id == 0u);
  }
  workgroupBarrier();
  if (t == 0u) {
    for (var m = 0u; m < 4u; m++) { acc[m] = vec4<f32>(0.0); }
    for (var i = 0u; i < 64u; i++) {
      for (var m = 0u; m < 4u; m++) { acc[m] += red[i][m]; }
    }
  }
#else
  red[t] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (t < s) {
      for (var m = 0u; m < 4u; m++) { red[t][m] += red[t + s][m]; }
    }
    workgroupBarrier();
  }
  acc = red[0];
#endif
  if (t != 0u) { return; }
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
