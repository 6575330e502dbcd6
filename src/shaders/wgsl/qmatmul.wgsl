// Dequantize-in-matmul for GGUF block-quantized weights: y[m, n] = Σ_k x[m, k] · W[n, k] (+ bias[n]),
// W [N, K] stored as ggml blocks of 32 along K, exactly as in the file (bytes read from u32 words):
//   Q8_0: f16 scale d, 32 × int8 q          → w = d · q            (34 bytes)
//   Q4_0: f16 scale d, 16 bytes of nibbles  → w = d · (nibble − 8)  (18 bytes; low nibbles are j < 16)
// A workgroup: 64 columns × 4 rows of x; x's chunk of K is staged in workgroup memory. Defines: Q8_0 or
// Q4_0, BIAS.
#include "common"

struct U { M: u32, N: u32, K: u32, _p: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> w: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
#ifdef BIAS
@group(0) @binding(4) var<storage, read_write> bias: array<f32>;
#endif

#ifdef Q8_0
const BLOCK_BYTES = 34u;
#else
const BLOCK_BYTES = 18u;
#endif
const CHUNK = 256u;
var<workgroup> xs: array<array<f32, 256>, 4>;

fn wbyte(i: u32) -> u32 {
  return (w[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu;
}

fn weight(block: u32, j: u32, d: f32) -> f32 {
#ifdef Q8_0
  let q = i32(wbyte(block + 2u + j));
  return d * f32(select(q, q - 256, q >= 128));
#else
  let byte = wbyte(block + 2u + (j % 16u));
  let nib = select(byte & 0xfu, byte >> 4u, j >= 16u);
  return d * (f32(nib) - 8.0);
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let n = wid.x * 64u + t;
  let m0 = wid.y * 4u;
  let row = n * (u.K / 32u) * BLOCK_BYTES;
  var acc = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < u.K; k0 += CHUNK) {
    for (var i = t; i < CHUNK * 4u; i += 64u) {
      let m = m0 + i / CHUNK;
      let k = k0 + i % CHUNK;
      xs[i / CHUNK][i % CHUNK] = select(0.0, x[m * u.K + k], m < u.M && k < u.K);
    }
    workgroupBarrier();
    if (n < u.N) {
      let kn = min(CHUNK, u.K - k0);
      for (var kb = 0u; kb < kn; kb += 32u) {
        let block = row + ((k0 + kb) / 32u) * BLOCK_BYTES;
        let d = unpack2x16float(wbyte(block) | (wbyte(block + 1u) << 8u)).x;
        for (var j = 0u; j < 32u; j++) {
          let wv = weight(block, j, d);
          acc += wv * vec4<f32>(xs[0][kb + j], xs[1][kb + j], xs[2][kb + j], xs[3][kb + j]);
        }
      }
    }
    workgroupBarrier();
  }
  if (n >= u.N) { return; }
  for (var r = 0u; r < 4u; r++) {
    let m = m0 + r;
    if (m >= u.M) { break; }
    var v = acc[r];
#ifdef BIAS
    v += bias[n];
#endif
    y[m * u.N + n] = v;
  }
}
