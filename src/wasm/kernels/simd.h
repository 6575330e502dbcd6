/*
 * Kiln's WASM kernels: the one header every kernel file includes. Freestanding C (no libc): types,
 * the export macro, and thin names over wasm_simd128.h so that each algorithm is written once and the
 * relaxed-SIMD build differs only in vmadd (a fused multiply-add where the engine has one).
 *
 * Conventions (STYLE.md §6): exported functions take only pointers and integers (floats for scalar
 * attributes); parallel kernels end with (tid, nt) and compute the slice `tid` of `nt` themselves.
 */
#ifndef KILN_SIMD_H
#define KILN_SIMD_H

#include <wasm_simd128.h>

typedef unsigned int u32;
typedef int i32;
typedef long long i64;
typedef unsigned char u8;
typedef signed char i8;
typedef unsigned short u16;
typedef short i16;
typedef v128_t vf;

#define KEXPORT(name) __attribute__((export_name(#name))) 
#define INLINE static inline __attribute__((always_inline))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Slice [*lo, *hi) of n items for thread tid of nt, in whole multiples of `grain`. */
INLINE void split_range(i32 n, i32 grain, i32 tid, i32 nt, i32 *lo, i32 *hi) {
  i32 units = (n + grain - 1) / grain;
  i32 per = units / nt, extra = units % nt;
  i32 u0 = tid * per + MIN(tid, extra);
  i32 u1 = u0 + per + (tid < extra ? 1 : 0);
  *lo = MIN(u0 * grain, n);
  *hi = MIN(u1 * grain, n);
}

INLINE vf vsplat(float x) { return wasm_f32x4_splat(x); }
INLINE vf vload(const float *p) { return wasm_v128_load(p); }
INLINE void vstore(float *p, vf v) { wasm_v128_store(p, v); }
INLINE vf vadd(vf a, vf b) { return wasm_f32x4_add(a, b); }
INLINE vf vsub(vf a, vf b) { return wasm_f32x4_sub(a, b); }
INLINE vf vmul(vf a, vf b) { return wasm_f32x4_mul(a, b); }
INLINE vf vdiv(vf a, vf b) { return wasm_f32x4_div(a, b); }
/* pmin/pmax: one instruction on x86 (minps/maxps). NaN in `a` passes through vmaxp(a, lo) as lo. */
INLINE vf vminp(vf a, vf b) { return wasm_f32x4_pmin(a, b); }
INLINE vf vmaxp(vf a, vf b) { return wasm_f32x4_pmax(a, b); }

/* a * b + c: fused where relaxed SIMD is on (rounding may differ in the last bit), mul + add otherwise. */
#ifdef __wasm_relaxed_simd__
INLINE vf vmadd(vf a, vf b, vf c) { return wasm_f32x4_relaxed_madd(a, b, c); }
#else
INLINE vf vmadd(vf a, vf b, vf c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
#endif

INLINE float fminp(float a, float b) { return b < a ? b : a; }
INLINE float fmaxp(float a, float b) { return a < b ? b : a; }

/* Copies n floats; short rows in a loop (memory.copy costs a call into the engine). */
INLINE void copy_floats(float *dst, const float *src, i32 n) {
  if (n >= 64) { __builtin_memcpy(dst, src, (unsigned)n * 4); return; }
  i32 i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
  for (; i < n; i++) dst[i] = src[i];
}

/* The widest copy: memory.copy with bulk memory. */
INLINE void copy_bytes(void *dst, const void *src, u32 n) { __builtin_memcpy(dst, src, n); }
INLINE void fill_zero(void *dst, u32 n) { __builtin_memset(dst, 0, n); }

#endif
