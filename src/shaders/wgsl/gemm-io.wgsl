// The uniforms, bindings and helpers shared by matmul.wgsl, matvec.wgsl and matvec-splitk.wgsl:
// y[b, m, n] = alpha · Σ_k A[b, m, k] · B[b, k, n] (+ beta · C[m, n]) (+ Z) (then ACT). Batch dims (up to 4)
// broadcast through strides. A and B are bindings 1 and 2; y, C (binding `bias`, read through strides: 0
// where it broadcasts) and Z come from epilogue.wgsl.
// Defines: T, TRANS_B, BIAS, RESIDUAL, ACT_<Kind> (epilogue.wgsl).
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

// The offsets of A's matrix (.x) and B's (.y) for output batch `batch`: the index decomposed over
// out_batch, read through each operand's strides.
fn batch_offsets(batch: u32) -> vec2<u32> {
  var rem = batch;
  var a_off = 0u;
  var b_off = 0u;
  for (var k = i32(u.batch_rank) - 1; k >= 0; k--) {
    let s = u.out_batch[k];
    let cc = rem % s;
    rem = rem / s;
    a_off += cc * u.a_batch_strides[k];
    b_off += cc * u.b_batch_strides[k];
  }
  return vec2<u32>(a_off, b_off);
}

// B[k, n] of the matrix at `off` (no bounds check).
fn b_at(off: u32, k: u32, n: u32) -> f32 {
#ifdef TRANS_B
  return f32(b[off + n * u.K + k]);
#else
  return f32(b[off + k * u.N + n]);
#endif
}

// Writes y[m, n] of the output matrix at `out_off` from the product sum `acc`, through the epilogue.
fn store_out(out_off: u32, m: u32, n: u32, acc: f32) {
  var v = u.alpha * acc;
#ifdef BIAS
  v += u.beta * f32(bias[m * u.bias_stride_m + n * u.bias_stride_n]);
#endif
#ifdef RESIDUAL
  v += f32(z[out_off + m * u.N + n]);
#endif
  y[out_off + m * u.N + n] = T(act(v));
}

// The matvec shaders' output: columns n0…n0+3 (those below N) of each of the M ≤ 4 rows of output batch
// `batch`, acc[m] holding row m.
fn store_rows(batch: u32, n0: u32, acc: array<vec4<f32>, 4>) {
  let out_off = batch * u.M * u.N;
  for (var m = 0u; m < u.M; m++) {
    for (var q = 0u; q < 4u; q++) {
      let n = n0 + q;
      if (n >= u.N) { break; }
      store_out(out_off, m, n, acc[m][q]);
    }
  }
}
