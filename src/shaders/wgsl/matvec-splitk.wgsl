// Split-K matrix-vector products (M ≤ 4 rows, few columns, long K): the 4-columns-a-thread matvec.wgsl
// would leave most of a workgroup idle when N is small. Here a workgroup of 64 computes 4 columns for
// every row: each thread walks K with a stride of 64, then the partial sums are added, with subgroupAdd
// and one step through workgroup memory (SUBGROUPS) or a tree in workgroup memory. Uniforms, bindings
// and defines: gemm-io.wgsl (no TRANS_A), plus SUBGROUPS.
#ifdef SUBGROUPS
enable subgroups;
#endif
#include "gemm-io"

var<workgroup> red: array<array<vec4<f32>, 4>, 64>;

fn load_b(off: u32, k: u32, n: u32) -> f32 {
  if (n >= u.N) { return 0.0; }
  return b_at(off, k, n);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32
#ifdef SUBGROUPS
  , @builtin(subgroup_invocation_id) sg_id: u32
#endif
) {
  let off = batch_offsets(wid.z);
  let a_off = off.x;
  let b_off = off.y;
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
  store_rows(wid.z, n0, acc);
}
