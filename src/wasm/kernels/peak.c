/*
 * Microbenchmark of this machine's WASM SIMD f32 peak (bench/peak.ts): 12 independent accumulator
 * chains of multiply + add (or relaxed madd), so throughput, not latency, bounds them. Returns a
 * checksum so the work cannot be optimised away. Flops per call: iters * 12 * 8.
 */
#include "simd.h"

#define CHAINS(OP) \
  OP(a0) OP(a1) OP(a2) OP(a3) OP(a4) OP(a5) OP(a6) OP(a7) OP(a8) OP(a9) OP(a10) OP(a11)

#define INIT(a) vf a = vsplat(x0); x0 += 1.0f;
#define SUM(a) s = vadd(s, a);

KEXPORT(peak_muladd) float peak_muladd(i32 iters, float xs, float ys) {
  float x0 = 0.0f;
  vf x = vsplat(xs), y = vsplat(ys), s = vsplat(0.0f);
  CHAINS(INIT)
#define STEP(a) a = vadd(vmul(a, x), y);
  for (i32 i = 0; i < iters; i++) { CHAINS(STEP) }
#undef STEP
  CHAINS(SUM)
  return wasm_f32x4_extract_lane(s, 0);
}

/* vmadd: a fused multiply-add in the relaxed build, mul + add otherwise. */
KEXPORT(peak_madd) float peak_madd(i32 iters, float xs, float ys) {
  float x0 = 0.0f;
  vf x = vsplat(xs), y = vsplat(ys), s = vsplat(0.0f);
  CHAINS(INIT)
#define STEP(a) a = vmadd(a, x, y);
  for (i32 i = 0; i < iters; i++) { CHAINS(STEP) }
#undef STEP
  CHAINS(SUM)
  return wasm_f32x4_extract_lane(s, 0);
}
