// CumSum (CumProd with PROD) along the middle axis of x viewed as [outer, n, inner]: one thread per
// (outer, inner) line, folding in order (from the end with REVERSE; EXCLUSIVE leaves each element out of its
// own result). Defines: T, PROD, REVERSE, EXCLUSIVE.
#include "common"

struct U { lines: u32, n: u32, inner: u32, _p: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> y: array<T>;

fn fold(a: T, b: T) -> T {
#ifdef PROD
  return a * b;
#else
  return a + b;
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let line = flat_id(wid, nwg, lid, 64u);
  if (line >= u.lines) { return; }
  let base = (line / u.inner) * u.n * u.inner + line % u.inner;
#ifdef PROD
  var acc = T(1);
#else
  var acc = T(0);
#endif
  for (var j = 0u; j < u.n; j++) {
#ifdef REVERSE
    let at = base + (u.n - 1u - j) * u.inner;
#else
    let at = base + j * u.inner;
#endif
    let v = x[at];
#ifdef EXCLUSIVE
    y[at] = acc;
    acc = fold(acc, v);
#else
    acc = fold(acc, v);
    y[at] = acc;
#endif
  }
}
