/*
 * Cast between the fixed-width numeric types as ONNX (and the reference backend) define it: floats to
 * integers truncate toward zero and wrap modulo 2^bits (NaN and ±Inf give 0); integers wrap; anything to
 * bool is x != 0 (NaN is true); float16 and bfloat16 round to nearest even; integers to floats round once
 * (int64 → float32 correctly, as the reference's sticky rounding does). The hot pairs have SIMD loops.
 */
#include "simd.h"

/* Type codes (mirrored in src/wasm/ops/cast.ts). */
enum { C_F32 = 0, C_F16 = 1, C_BF16 = 2, C_I32 = 3, C_I64 = 4, C_U8 = 5, C_I8 = 6, C_BOOL = 7, C_U16 = 8, C_I16 = 9, C_U32 = 10 };

typedef unsigned long long u64;

INLINE u32 bits_of(float f) { u32 u; __builtin_memcpy(&u, &f, 4); return u; }
INLINE float float_of(u32 u) { float f; __builtin_memcpy(&f, &u, 4); return f; }

INLINE float half_to_float(u16 h) {
  const u32 e = h & 0x7c00;
  if (e == 0x7c00) return float_of(((u32)(h & 0x8000) << 16) | 0x7f800000 | ((u32)(h & 0x3ff) << 13));
  const float f = float_of((u32)(h & 0x7fff) << 13) * 0x1p112f;
  return float_of(bits_of(f) | ((u32)(h & 0x8000) << 16));
}

INLINE u16 float_to_half(float f) {
  const u32 x = bits_of(f), sign = (x >> 16) & 0x8000, a = x & 0x7fffffff;
  if (a > 0x7f800000) return 0x7e00; /* NaN, as numberToFloat16 writes it */
  if (a >= 0x477ff000) return (u16)(sign | 0x7c00);
  if (a < 0x38800000) return (u16)(sign | (u32)(i32)__builtin_rintf(float_of(a) * 0x1p24f));
  return (u16)(sign | ((a + 0x0fff + ((a >> 13) & 1) - 0x38000000) >> 13));
}

INLINE u16 float_to_bf16(float f) {
  const u32 b = bits_of(f);
  if ((b & 0x7f800000) == 0x7f800000 && (b & 0x7fffff)) return (u16)((b >> 16) | 0x40);
  return (u16)((b + 0x7fff + ((b >> 16) & 1)) >> 16);
}

/* A finite float truncated toward zero, modulo 2^64 (exact for every magnitude); NaN and ±Inf → 0. */
INLINE u64 float_to_wrapped(float f) {
  const u32 b = bits_of(f), a = b & 0x7fffffff;
  if (a >= 0x7f800000) return 0;
  u64 r;
  if (a < 0x5f000000) r = (u64)(i64)__builtin_truncf(float_of(a)); /* |f| < 2^63 */
  else {
    const i32 e = (i32)(a >> 23) - 150; /* f = m · 2^e, m the 24-bit significand */
    r = e >= 64 ? 0 : (u64)((a & 0x7fffff) | 0x800000) << e;
  }
  return (b >> 31) ? (u64)0 - r : r;
}

INLINE int is_float(i32 t) { return t <= C_BF16; }

INLINE float load_f(const void *p, i32 t, u32 k) {
  switch (t) {
    case C_F32: return ((const float *)p)[k];
    case C_F16: return half_to_float(((const u16 *)p)[k]);
    default: return float_of((u32)((const u16 *)p)[k] << 16);
  }
}

INLINE u64 load_i(const void *p, i32 t, u32 k) {
  switch (t) {
    case C_I32: return (u64)(i64)((const i32 *)p)[k];
    case C_I64: return ((const u64 *)p)[k];
    case C_U8: return ((const u8 *)p)[k];
    case C_BOOL: return ((const u8 *)p)[k] != 0;
    case C_I8: return (u64)(i64)((const i8 *)p)[k];
    case C_U16: return ((const u16 *)p)[k];
    case C_I16: return (u64)(i64)((const short *)p)[k];
    default: return ((const u32 *)p)[k];
  }
}

INLINE void store_i(void *p, i32 t, u32 k, u64 v) {
  switch (t) {
    case C_I32: case C_U32: ((u32 *)p)[k] = (u32)v; break;
    case C_I64: ((u64 *)p)[k] = v; break;
    case C_U8: case C_I8: ((u8 *)p)[k] = (u8)v; break;
    default: ((u16 *)p)[k] = (u16)v; break;
  }
}

INLINE void store_f(void *p, i32 t, u32 k, float v) {
  switch (t) {
    case C_F32: ((float *)p)[k] = v; break;
    case C_F16: ((u16 *)p)[k] = float_to_half(v); break;
    default: ((u16 *)p)[k] = float_to_bf16(v); break;
  }
}

/* Elements [lo, hi) from type st at src to type dt at dst. */
static void cast_range(const void *src, i32 st, void *dst, i32 dt, u32 lo, u32 hi) {
  u32 k = lo;
  if (st == C_F16 && dt == C_F32) {
    const u16 *s = (const u16 *)src;
    float *d = (float *)dst;
    for (; k + 4 <= hi; k += 4) {
      v128_t h = wasm_u32x4_load16x4(s + k);
      v128_t mag = wasm_i32x4_shl(wasm_v128_and(h, wasm_i32x4_splat(0x7fff)), 13);
      v128_t f = wasm_f32x4_mul(mag, wasm_f32x4_splat(0x1p112f));
      v128_t special = wasm_i32x4_ge(mag, wasm_i32x4_splat(0x7c00 << 13));
      f = wasm_v128_bitselect(wasm_v128_or(mag, wasm_i32x4_splat(0x70000000)), f, special); /* Inf/NaN: exponent all ones */
      vstore(d + k, wasm_v128_or(f, wasm_i32x4_shl(wasm_v128_and(h, wasm_i32x4_splat(0x8000)), 16)));
    }
  } else if (st == C_I64 && dt == C_F32) {
    for (; k < hi; k++) ((float *)dst)[k] = (float)((const i64 *)src)[k];
  } else if (st == C_I32 && dt == C_F32) {
    for (; k + 4 <= hi; k += 4) vstore((float *)dst + k, wasm_f32x4_convert_i32x4(wasm_v128_load((const i32 *)src + k)));
  }
  if (is_float(dt)) {
    if (is_float(st)) for (; k < hi; k++) store_f(dst, dt, k, load_f(src, st, k));
    else if (st == C_U32) for (; k < hi; k++) store_f(dst, dt, k, (float)(u32)load_i(src, st, k));
    else for (; k < hi; k++) store_f(dst, dt, k, (float)(i64)load_i(src, st, k));
  } else if (dt == C_BOOL) {
    if (is_float(st)) for (; k < hi; k++) { float v = load_f(src, st, k); ((u8 *)dst)[k] = !(v == 0.0f); }
    else for (; k < hi; k++) ((u8 *)dst)[k] = load_i(src, st, k) != 0;
  } else {
    if (is_float(st)) for (; k < hi; k++) store_i(dst, dt, k, float_to_wrapped(load_f(src, st, k)));
    else for (; k < hi; k++) store_i(dst, dt, k, load_i(src, st, k));
  }
}

KEXPORT(cast) void cast(const void *src, i32 st, void *dst, i32 dt, i32 n, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range(n, 64, tid, nt, &lo, &hi);
  if (lo < hi) cast_range(src, st, dst, dt, (u32)lo, (u32)hi);
}
