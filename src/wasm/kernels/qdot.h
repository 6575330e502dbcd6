/*
 * The int16 4×8 micro-kernel shared by qgemm.c (MatMulInteger, ConvInteger) and llm_gemm.c (LLM prefill):
 * kp value pairs of 4 activation rows against 8 weight columns, one i32x4.dot_i16x8_s per pair and 4
 * outputs. Layouts: a holds 8 int16 per pair (row r's pair at a + 2r), b 16 int16 per pair (columns 0-7).
 * c[2r] += row r · columns 0-3, c[2r+1] += row r · columns 4-7.
 */
#ifndef KILN_QDOT_H
#define KILN_QDOT_H
#include "simd.h"

INLINE void qdot_4x8(const i16 *a, const i16 *b, i32 kp, v128_t *c) {
  v128_t c00 = c[0], c01 = c[1], c10 = c[2], c11 = c[3], c20 = c[4], c21 = c[5], c30 = c[6], c31 = c[7];
  for (i32 k = 0; k < kp; k++, a += 8, b += 16) {
    v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 8);
    v128_t x = wasm_v128_load32_splat(a);
    c00 = wasm_i32x4_add(c00, wasm_i32x4_dot_i16x8(x, b0)); c01 = wasm_i32x4_add(c01, wasm_i32x4_dot_i16x8(x, b1));
    x = wasm_v128_load32_splat(a + 2);
    c10 = wasm_i32x4_add(c10, wasm_i32x4_dot_i16x8(x, b0)); c11 = wasm_i32x4_add(c11, wasm_i32x4_dot_i16x8(x, b1));
    x = wasm_v128_load32_splat(a + 4);
    c20 = wasm_i32x4_add(c20, wasm_i32x4_dot_i16x8(x, b0)); c21 = wasm_i32x4_add(c21, wasm_i32x4_dot_i16x8(x, b1));
    x = wasm_v128_load32_splat(a + 6);
    c30 = wasm_i32x4_add(c30, wasm_i32x4_dot_i16x8(x, b0)); c31 = wasm_i32x4_add(c31, wasm_i32x4_dot_i16x8(x, b1));
  }
  c[0] = c00; c[1] = c01; c[2] = c10; c[3] = c11; c[4] = c20; c[5] = c21; c[6] = c30; c[7] = c31;
}

#endif
