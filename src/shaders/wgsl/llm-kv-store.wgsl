// Writes n rows of k and v (kv_width values each) into one layer of the KV cache at position pos. F16:
// the cache holds f16 pairs packed in u32 words (no shader-f16 needed), one thread per pair.
// Defines: F16.
struct U { count: u32, base: u32, groups_x: u32, _p: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> k: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;
#ifdef F16
@group(0) @binding(3) var<storage, read_write> kc: array<u32>;
@group(0) @binding(4) var<storage, read_write> vc: array<u32>;
#else
@group(0) @binding(3) var<storage, read_write> kc: array<f32>;
@group(0) @binding(4) var<storage, read_write> vc: array<f32>;
#endif

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let e = (wid.y * u.groups_x + wid.x) * 64u + t;
  if (e >= u.count) { return; }
#ifdef F16
  kc[u.base + e] = pack2x16float(vec2<f32>(k[2u * e], k[2u * e + 1u]));
  vc[u.base + e] = pack2x16float(vec2<f32>(v[2u * e], v[2u * e + 1u]));
#else
  kc[u.base + e] = k[e];
  vc[u.base + e] = v[e];
#endif
}
