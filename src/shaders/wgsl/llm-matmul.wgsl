// LLM matmul for many token rows (prefill): y[m, r0 + n] (+)= Σ_k x[m, k] · W[n, k] (+ bias[r0 + n]), W in its
// GGUF type. A workgroup of 16×16 threads computes a tile of 32 token rows × 64 weight rows, stepping K by
// 32: x's 32×32 block and W's 64×32 block (decoded once per tile) go to workgroup memory, then each thread
// accumulates 2 × 4 outputs. tk is TK, given as a uniform so the inner loop is not fully unrolled (that
// halves the compile time on SwiftShader). Bindings, r0, acc and defines (WT_*, BIAS): llm-linear-io.wgsl.
#include "llm-linear-io"

struct U { N: u32, K: u32, M: u32, row_bytes: u32, r0: u32, out_cols: u32, tk: u32, acc: u32 }

const TM = 32u;
const TN = 64u;
const TK = 32u;
const PAD = 33u;
var<workgroup> xs: array<f32, 1056>; // TM × PAD
var<workgroup> ws: array<f32, 2112>; // TN × PAD

fn xv(m: u32, k: u32) -> f32 {
  return select(0.0, x[m * u.K + k], m < u.M && k < u.K);
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let tx = lid3.x;
  let ty = lid3.y;
  let n0 = wid.x * TN;
  let m0 = wid.y * TM;
  var acc: array<vec4<f32>, 2>;
  let lm = t / 8u;
  let lk = (t % 8u) * 4u;
  let wn = t / 4u;
  let wk = (t % 4u) * 8u;
  let wrow = min(n0 + wn, u.N - 1u) * u.row_bytes;
  let wvalid = select(0.0, 1.0, n0 + wn < u.N);
  for (var k0 = 0u; k0 < u.K; k0 += TK) {
    for (var j = 0u; j < 4u; j++) { xs[lm * PAD + lk + j] = xv(m0 + lm, k0 + lk + j); }
    let a = dq4(wrow, k0 + wk, u.K) * wvalid;
    let b = dq4(wrow, k0 + wk + 4u, u.K) * wvalid;
    for (var j = 0u; j < 4u; j++) {
      ws[wn * PAD + wk + j] = a[j];
      ws[wn * PAD + wk + 4u + j] = b[j];
    }
    workgroupBarrier();
    for (var kk = 0u; kk < u.tk; kk++) {
      let w4 = vec4<f32>(ws[tx * PAD + kk], ws[(tx + 16u) * PAD + kk], ws[(tx + 32u) * PAD + kk], ws[(tx + 48u) * PAD + kk]);
      acc[0] += xs[ty * PAD + kk] * w4;
      acc[1] += xs[(ty + 16u) * PAD + kk] * w4;
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 2u; i++) {
    let m = m0 + ty + 16u * i;
    if (m >= u.M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + tx + 16u * j;
      if (n >= u.N) { continue; }
      store_out(m, n, acc[i][j]);
    }
  }
}
