// Reductions over the middle axis of x viewed as [outer, R, inner] (the kernel transposes first when the
// reduced axes are not contiguous). ROW (inner = 1): a workgroup of 64 per output, tree-combined in
// workgroup memory. Otherwise one thread per output walks R (reads coalesce along inner).
// Defines: T (input element), TY (output element), ROW, one RED_<Kind>: Sum Mean Max Min Prod L1 L2
// LogSum LogSumExp SumSquare ArgMax ArgMin (Arg*: output i32 indices; select_last picks the last tie).
#include "common"

struct U { outer: u32, R: u32, inner: u32, select_last: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<T>;
@group(0) @binding(2) var<storage, read_write> y: array<TY>;

const NEG_INF = -3.4028234663852886e38;

// The running state: a value and, for Arg*, its index.
struct Acc { v: f32, i: i32 }

fn init(shift: f32) -> Acc {
#ifdef RED_Max
  return Acc(bitcast<f32>(0xff800000u | (u.R & 0u)), -1);
#elifdef RED_Min
  return Acc(bitcast<f32>(0x7f800000u | (u.R & 0u)), -1);
#elifdef RED_ArgMax
  return Acc(0.0, -1);
#elifdef RED_ArgMin
  return Acc(0.0, -1);
#elifdef RED_Prod
  return Acc(1.0, 0);
#else
  return Acc(0.0, 0);
#endif
}

// Folds element r (value v) into a.
fn step(a: Acc, v: f32, r: i32, shift: f32) -> Acc {
#ifdef RED_Max
  return Acc(max(a.v, v), 0);
#elifdef RED_Min
  return Acc(min(a.v, v), 0);
#elifdef RED_Prod
  return Acc(a.v * v, 0);
#elifdef RED_L1
  return Acc(a.v + abs(v), 0);
#elifdef RED_L2
  return Acc(a.v + v * v, 0);
#elifdef RED_SumSquare
  return Acc(a.v + v * v, 0);
#elifdef RED_LogSumExp
  return Acc(a.v + exp(v - shift), 0);
#elifdef RED_ArgMax
  if (a.i < 0 || v > a.v || (u.select_last != 0u && v == a.v)) { return Acc(v, r); }
  return a;
#elifdef RED_ArgMin
  if (a.i < 0 || v < a.v || (u.select_last != 0u && v == a.v)) { return Acc(v, r); }
  return a;
#else
  return Acc(a.v + v, 0);
#endif
}

// Combines two partial states; `b` covers later indices than `a` only for ties in Arg* (see ROW below).
fn merge(a: Acc, b: Acc) -> Acc {
#ifdef RED_Max
  return Acc(max(a.v, b.v), 0);
#elifdef RED_Min
  return Acc(min(a.v, b.v), 0);
#elifdef RED_Prod
  return Acc(a.v * b.v, 0);
#elifdef RED_ArgMax
  if (b.i < 0) { return a; }
  if (a.i < 0 || b.v > a.v || (b.v == a.v && ((u.select_last != 0u) == (b.i > a.i)))) { return b; }
  return a;
#elifdef RED_ArgMin
  if (b.i < 0) { return a; }
  if (a.i < 0 || b.v < a.v || (b.v == a.v && ((u.select_last != 0u) == (b.i > a.i)))) { return b; }
  return a;
#else
  return Acc(a.v + b.v, 0);
#endif
}

fn finish(a: Acc, shift: f32) -> TY {
#ifdef RED_Mean
  return TY(a.v / f32(u.R));
#elifdef RED_L2
  return TY(sqrt(a.v));
#elifdef RED_LogSum
  return TY(log(a.v));
#elifdef RED_LogSumExp
  return TY(log(a.v) + shift);
#elifdef RED_ArgMax
  return TY(max(a.i, 0));
#elifdef RED_ArgMin
  return TY(max(a.i, 0));
#else
  return TY(a.v);
#endif
}

#ifdef ROW
var<workgroup> part: array<Acc, 64>;
var<workgroup> part_max: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= u.outer) { return; }
  let base = row * u.R;
  var shift = 0.0;
#ifdef RED_LogSumExp
  var m = NEG_INF;
  for (var r = lid; r < u.R; r += 64u) { m = max(m, f32(x[base + r])); }
  part_max[lid] = m;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid < s) { part_max[lid] = max(part_max[lid], part_max[lid + s]); }
    workgroupBarrier();
  }
  shift = part_max[0];
  if (shift <= NEG_INF) { shift = 0.0; }
#endif
  var a = init(shift);
  for (var r = lid; r < u.R; r += 64u) { a = step(a, f32(x[base + r]), i32(r), shift); }
  part[lid] = a;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid < s) { part[lid] = merge(part[lid], part[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) { y[row] = finish(part[0], shift); }
}
#else
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= u.outer * u.inner) { return; }
  let o = i / u.inner;
  let k = i % u.inner;
  let base = o * u.R * u.inner + k;
  var shift = 0.0;
#ifdef RED_LogSumExp
  var m = NEG_INF;
  for (var r = 0u; r < u.R; r++) { m = max(m, f32(x[base + r * u.inner])); }
  shift = select(m, 0.0, m <= NEG_INF);
#endif
  var a = init(shift);
  for (var r = 0u; r < u.R; r++) { a = step(a, f32(x[base + r * u.inner]), i32(r), shift); }
  y[i] = finish(a, shift);
}
#endif
