// The bindings and output of the LLM matmul shaders (llm-matvec.wgsl, llm-matmul.wgsl), each of which declares
// its uniforms `struct U` (with N, K, M, row_bytes, r0, out_cols and acc): w (the weight bytes, in their GGUF
// type: llm-dequant.wgsl), x (token rows), y (output rows of out_cols), bias (BIAS). r0 is the first row of
// this weight part (weights over the binding limit are split by rows).
// Defines: the weight type (WT_*), BIAS.
#include "llm-dequant"

@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> w: array<u32>;
@group(0) @binding(2) var<storage, read_write> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
#ifdef BIAS
@group(0) @binding(4) var<storage, read_write> bias: array<f32>;
#endif

// y[m, r0 + n] = acc (+ bias[r0 + n]), added into y when uniform acc ≠ 0 (the residual).
fn store_out(m: u32, n: u32, acc: f32) {
  let o = m * u.out_cols + u.r0 + n;
  var v = acc;
#ifdef BIAS
  v += bias[u.r0 + n];
#endif
  if (u.acc != 0u) { v += y[o]; }
  y[o] = v;
}
