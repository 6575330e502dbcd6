/*
 * The f32 GEMM core shared by MatMul/Gemm and Conv: operands packed into panels, a 4x8 register-blocked
 * micro-kernel (8 accumulators: what V8's x64 register allocator keeps in XMM registers without
 * spilling; 6x8 and 4x16 measured 25% slower), and a fused epilogue (bias, residual, activation).
 *
 *   packed A: MR-row panels,    panel p = rows [4p, 4p+4): element (r, k) at A[p*K*4 + k*4 + r]
 *   packed B: NR-column panels, panel q = cols [8q, 8q+8): element (k, j) at B[q*K*8 + k*8 + j]
 * Panels are zero-padded, so the micro-kernel always runs a full 4x8 tile.
 */
#ifndef KILN_GEMM_H
#define KILN_GEMM_H
#include "simd.h"

#define MR 4
#define NR 8

/* The epilogue, written by the caller into memory (layout mirrored in src/wasm/ops/epilogue.ts). */
typedef struct {
  const float *bias; /* padded to whole panels */
  i32 bias_mode;     /* 0 none, 1 one per row (Conv: per output channel), 2 one per column (MatMul) */
  const float *z;    /* residual added before the activation (same layout as C), or 0 */
  i32 ldz;
  i32 act;
  float alpha, beta;
  float scale;       /* multiplies A·B before the bias (1: plain) */
} Epi;

/* C[m0.., n0..] tile = epilogue(A panel · B panel); rows/cols beyond (mv, nv) are not written. */
void gemm_tile(i32 K, const float *ap, const float *bp, float *c, i32 ldc, const Epi *e, i32 m0, i32 n0, i32 mv, i32 nv);

/* Packs K x N (element (k, n) at b[k*rs + n*cs]) columns [n0, n1) (n0 a multiple of 8) into B panels at out. */
void pack_b_range(const float *b, i32 K, i32 N, i32 rs, i32 cs, i32 n0, i32 n1, float *out);

#endif
