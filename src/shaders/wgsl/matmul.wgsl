// Tiled matrix product: y[b, m, n] = alpha · Σ_k A[b, m, k] · B[b, k, n] (+ beta · C[m, n]) (then ACT).
// A 32×32 output tile per workgroup of 8×8 threads, each thread 4 rows × 4 columns (one vec4 per row);
// A and B tiles of 32 along K staged in workgroup memory. Sizes need not be multiples of the tile.
// Defines: T (element), TRANS_A, TRANS_B (Gemm), BIAS (C, read through strides: 0 where it broadcasts),
// RESIDUAL (Z, the output's shape, added), ACT_<Kind> (epilogue.wgsl). Batch dims (up to 4) broadcast
// through strides.
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

const TILE = 32u;
// Both tiles are stored [k][vec4 of m or n], so the inner loop reads two vec4s per step of k.
var<workgroup> As: array<array<vec4<f32>, 8>, 32>;  // [k][m / 4]
var<workgroup> Bs: array<array<vec4<f32>, 8>, 32>;  // [k][n / 4]

fn load_a(off: u32, m: u32, k: u32) -> f32 {
  if (m >= u.M || k >= u.K) { return 0.0; }
#ifdef TRANS_A
  return f32(a[off + k * u.M + m]);
#else
  return f32(a[off + m * u.K + k]);
#endif
}

fn load_b(off: u32, k: u32, n: u32) -> f32 {
  if (k >= u.K || n >= u.N) { return 0.0; }
#ifdef TRANS_B
  return f32(b[off + n * u.K + k]);
#else
  return f32(b[off + k * u.N + n]);
#endif
}

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  // Batch offsets: the output batch index decomposed over out_batch, read through each operand's strides.
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
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < u.K; k0 += TILE) {
    for (var i = 0u; i < 16u; i++) {
      let idx = t + i * 64u;
      let r = idx / TILE;
      let q = idx % TILE;
      As[q][r / 4u][r % 4u] = load_a(a_off, row0 + r, k0 + q);
      Bs[r][q / 4u][q % 4u] = load_b(b_off, k0 + r, col0 + q);
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) {
      let av = As[k][lid.y];
      let bv = Bs[k][lid.x];
      acc[0] += av.x * bv;
      acc[1] += av.y * bv;
      acc[2] += av.z * bv;
      acc[3] += av.w * bv;
    }
    workgroupBarrier();
  }
  let out_off = wid.z * u.M * u.N;
  for (var r = 0u; r < 4u; r++) {
    let m = row0 + lid.y * 4u + r;
    if (m >= u.M) { break; }
    for (var q = 0u; q < 4u; q++) {
      let n = col0 + lid.x * 4u + q;
      if (n >= u.N) { break; }
      var v = u.alpha * acc[r][q];
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
