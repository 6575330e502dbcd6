/* float16 ↔ float32 for the float16 paths of the GEMM, Conv and the f16 staging of other ops. */
#ifndef KILN_HALF_H
#define KILN_HALF_H
#include "simd.h"

/* Four float16 (low halves of i32 lanes) → float32, exact for every value, Inf and NaN included. */
INLINE vf half4_to_f32(v128_t h) {
  v128_t mag = wasm_i32x4_shl(wasm_v128_and(h, wasm_i32x4_splat(0x7fff)), 13);
  v128_t f = wasm_f32x4_mul(mag, wasm_f32x4_splat(0x1p112f));
  v128_t special = wasm_i32x4_ge(mag, wasm_i32x4_splat(0x7c00 << 13));
  f = wasm_v128_bitselect(wasm_v128_or(mag, wasm_i32x4_splat(0x70000000)), f, special);
  return wasm_v128_or(f, wasm_i32x4_shl(wasm_v128_and(h, wasm_i32x4_splat(0x8000)), 16));
}

/* n float16 at src → float32 at dst (n a multiple of 4). */
INLINE void half_to_f32_n(const u16 *src, float *dst, i32 n) {
  for (i32 i = 0; i < n; i += 4) vstore(dst + i, half4_to_f32(wasm_u32x4_load16x4(src + i)));
}

#endif
