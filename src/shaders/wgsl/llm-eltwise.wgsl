// LLM elementwise ops over n rows: ADD y = a + b; SILU / GELU y = act(a) · b (GELU is ggml's tanh
// approximation); COPY y[dst + i] = a[src + i]. One thread per value. The runner may pass one handle
// twice (add's out may be a, gated's out may be gate): WebGPU forbids binding overlapping writable
// ranges, so aliases bind once. Defines: the op, B_IS_A (b is a), Y_IS_A / Y_IS_B (y is a / b).
struct U { count: u32, groups_x: u32, src: u32, dst: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> a: array<f32>;
#ifndef B_IS_A
@group(0) @binding(2) var<storage, read_write> b: array<f32>;
#ifndef Y_IS_A
#ifndef Y_IS_B
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
#endif
#endif
#else
#ifndef Y_IS_A
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
#endif
#endif

fn bv(i: u32) -> f32 {
#ifdef B_IS_A
  return a[i];
#else
  return b[i];
#endif
}

fn store(i: u32, v: f32) {
#ifdef Y_IS_A
  a[i] = v;
#elifdef Y_IS_B
  b[i] = v;
#else
  y[i] = v;
#endif
}

fn op(p: f32, i: u32) -> f32 {
#ifdef ADD
  return p + bv(i);
#elifdef SILU
  return p / (1.0 + exp(-p)) * bv(i);
#elifdef GELU
  let z = 0.7978845608028654 * p * (1.0 + 0.044715 * p * p);
  return 0.5 * p * (1.0 + tanh(clamp(z, -15.0, 15.0))) * bv(i);
#else
  return p;
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let i = (wid.y * u.groups_x + wid.x) * 64u + t;
  if (i >= u.count) { return; }
  store(u.dst + i, op(a[u.src + i], u.src + i));
}
