// TopK along the middle axis of x viewed as [outer, n, inner]: one thread per (outer, inner) line keeps
// its k best values sorted in y (insertion: equal values keep index order, so the lower index comes first),
// indices in yi. Defines: T, SMALLEST.
#include "common"

struct U { lines: u32, n: u32, inner: u32, k: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> y: array<T>;
@group(0) @binding(3) var<storage, read_write> yi: array<i32>;

fn better(a: T, b: T) -> bool {
#ifdef SMALLEST
  return a < b;
#else
  return a > b;
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let line = flat_id(wid, nwg, lid, 64u);
  if (line >= u.lines || u.k == 0u) { return; }
  let o = line / u.inner;
  let i = line % u.inner;
  let xb = o * u.n * u.inner + i;
  let yb = o * u.k * u.inner + i;
  var have = 0u;
  for (var j = 0u; j < u.n; j++) {
    let v = x[xb + j * u.inner];
    if (have == u.k && !better(v, y[yb + (u.k - 1u) * u.inner])) { continue; }
    // Shift worse entries down one place and insert v after every entry at least as good.
    var at = min(have, u.k - 1u);
    while (at > 0u && better(v, y[yb + (at - 1u) * u.inner])) {
      y[yb + at * u.inner] = y[yb + (at - 1u) * u.inner];
      yi[yb + at * u.inner] = yi[yb + (at - 1u) * u.inner];
      at--;
    }
    y[yb + at * u.inner] = v;
    yi[yb + at * u.inner] = i32(j);
    have = min(have + 1u, u.k);
  }
}
