// Matrix-vector products (a few rows of A, M ≤ 4): the 32-row tiles of matmul.wgsl would idle 31 of 32
// rows. Each thread computes 4 adjacent columns for every row, walking K with A's chunk staged in
// workgroup memory. Uniforms, bindings and defines: gemm-io.wgsl (no TRANS_A).
#include "gemm-io"

const CHUNK = 256u;
var<workgroup> As: array<array<f32, 256>, 4>;

fn load_b(off: u32, k: u32, n: u32) -> f32 {
  if (n >= u.N) { return 0.0; }
  return b_at(off, k, n);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let off = batch_offsets(wid.z);
  let a_off = off.x;
  let b_off = off.y;
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
  store_rows(wid.z, n0, acc);
}
