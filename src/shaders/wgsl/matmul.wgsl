// Tiled matrix product: y[b, m, n] = alpha · Σ_k A[b, m, k] · B[b, k, n] (+ beta · C[m, n]) (then ACT).
// A 32×32 output tile per workgroup of 8×8 threads, each thread 4 rows × 4 columns (one vec4 per row);
// A and B tiles of 32 along K staged in workgroup memory. Sizes need not be multiples of the tile.
// Uniforms, bindings and defines: gemm-io.wgsl, plus TRANS_A (Gemm's transA).
#include "gemm-io"
#include "gemm-tile"

// Both tiles are stored [k][vec4 of m or n], so the inner loop reads two vec4s per step of k.

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
  return b_at(off, k, n);
}

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let off = batch_offsets(wid.z);
  let a_off = off.x;
  let b_off = off.y;
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
    tile_fma(&acc, lid.x, lid.y);
    workgroupBarrier();
  }
  let out_off = wid.z * u.M * u.N;
  for (var r = 0u; r < 4u; r++) {
    let m = row0 + lid.y * 4u + r;
    if (m >= u.M) { break; }
    for (var q = 0u; q < 4u; q++) {
      let n = col0 + lid.x * 4u + q;
      if (n >= u.N) { break; }
      store_out(out_off, m, n, acc[r][q]);
    }
  }
}
