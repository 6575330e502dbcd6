// LLM rotary embedding, in place: pair k of every head of token row i rotates by the host-computed
// cos/sin in cs[i][k] (the angles are worked out in float64 on the host, as the reference does, so long
// positions lose nothing to the GPU's sin/cos). NEOX pairs (k, k + dims/2), otherwise (2k, 2k + 1).
// Defines: NEOX.
struct U { n: u32, heads: u32, hd: u32, half: u32, cols: u32, groups_x: u32, _p0: u32, _p1: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> cs: array<vec2<f32>>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let g = (wid.y * u.groups_x + wid.x) * 64u + t;
  if (g >= u.n * u.heads * u.half) { return; }
  let k = g % u.half;
  let h = (g / u.half) % u.heads;
  let i = g / (u.half * u.heads);
  let at = i * u.cols + h * u.hd;
#ifdef NEOX
  let a = at + k;
  let b = a + u.half;
#else
  let a = at + 2u * k;
  let b = a + 1u;
#endif
  let c = cs[i * u.half + k];
  let x0 = x[a];
  let x1 = x[b];
  x[a] = x0 * c.x - x1 * c.y;
  x[b] = x0 * c.y + x1 * c.x;
}
