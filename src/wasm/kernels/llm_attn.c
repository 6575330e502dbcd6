/*
 * Causal attention over the KV cache (see LlmKernels.attention): for query row i (position pos + i) and
 * head h, softmax over the cached positions it may see of q·k · scale (soft-capped when asked), then
 * the weighted sum of the values. One task per (row, head); threads split the tasks. Keys and values
 * are float32 or float16 (converted four at a time), head dims a multiple of 4 take the SIMD path.
 */
#include "llm.h"
#include "vmath.h"

typedef struct {
  const float *q;
  float *out;
  const u8 *kc, *vc; /* this layer: position t, KV head g at element t*kv_heads*hd + g*hd */
  i32 n, pos, heads, kv_heads, hd, f16, window;
  float scale, softcap;
  float *scratch;    /* per chunk: scratch + tid * stride floats (positions + 4) */
  i32 stride;
} LlmAttn;

/* Four cache values at element e. */
INLINE vf ld4(const u8 *base, u32 e, i32 f16) {
  if (!f16) return vload((const float *)base + e);
  return vh2f(wasm_u32x4_load16x4(base + 2 * e));
}

INLINE float ld1(const u8 *base, u32 e, i32 f16) {
  return f16 ? h2f(((const u16 *)base)[e]) : ((const float *)base)[e];
}

static void head(const LlmAttn *a, i32 i, i32 h, float *sc) {
  const i32 hd = a->hd, kvw = a->kv_heads * hd, p = a->pos + i, f16 = a->f16;
  const i32 first = a->window > 0 ? MAX(0, p - a->window + 1) : 0, len = p - first + 1;
  const float *qv = a->q + (u32)i * (u32)(a->heads * hd) + h * hd;
  const u32 g = (u32)(h / (a->heads / a->kv_heads)) * (u32)hd;
  const i32 vec = (hd & 3) == 0;
  /* scores */
  for (i32 t = 0; t < len; t++) {
    const u32 e = (u32)(first + t) * (u32)kvw + g;
    float s;
    if (vec) {
      vf acc0 = vsplat(0.0f), acc1 = acc0;
      i32 d = 0;
      for (; d + 8 <= hd; d += 8) {
        acc0 = vmadd(vload(qv + d), ld4(a->kc, e + d, f16), acc0);
        acc1 = vmadd(vload(qv + d + 4), ld4(a->kc, e + d + 4, f16), acc1);
      }
      if (d < hd) acc0 = vmadd(vload(qv + d), ld4(a->kc, e + d, f16), acc0);
      s = hsum(vadd(acc0, acc1));
    } else {
      s = 0.0f;
      for (i32 d = 0; d < hd; d++) s += qv[d] * ld1(a->kc, e + d, f16);
    }
    sc[t] = s * a->scale;
  }
  for (i32 t = len; t < ((len + 3) & ~3); t++) sc[t] = -__builtin_inff();
  const i32 len4 = (len + 3) & ~3;
  if (a->softcap > 0.0f) {
    const vf cap = vsplat(a->softcap), inv = vsplat(1.0f / a->softcap);
    for (i32 t = 0; t < len; t += 4) vstore(sc + t, vmul(cap, vtanh(vmul(vload(sc + t), inv))));
    for (i32 t = len; t < len4; t++) sc[t] = -__builtin_inff();
  }
  vf mx = vsplat(-__builtin_inff());
  for (i32 t = 0; t < len4; t += 4) mx = wasm_f32x4_max(mx, vload(sc + t));
  mx = wasm_f32x4_max(mx, wasm_i32x4_shuffle(mx, mx, 2, 3, 0, 1));
  mx = wasm_f32x4_max(mx, wasm_i32x4_shuffle(mx, mx, 1, 0, 3, 2));
  vf sum = vsplat(0.0f);
  for (i32 t = 0; t < len4; t += 4) {
    vf e = vexp(vsub(vload(sc + t), mx));
    vstore(sc + t, e);
    sum = vadd(sum, e);
  }
  const float inv = 1.0f / hsum(sum);
  /* weighted values */
  float *o = a->out + (u32)i * (u32)(a->heads * hd) + h * hd;
  const u32 base = (u32)first * (u32)kvw + g;
  if (vec) {
    i32 d = 0;
    for (; d + 16 <= hd; d += 16) {
      vf c0 = vsplat(0.0f), c1 = c0, c2 = c0, c3 = c0;
      u32 e = base + d;
      for (i32 t = 0; t < len; t++, e += kvw) {
        const vf w = vsplat(sc[t]);
        c0 = vmadd(w, ld4(a->vc, e, f16), c0);
        c1 = vmadd(w, ld4(a->vc, e + 4, f16), c1);
        c2 = vmadd(w, ld4(a->vc, e + 8, f16), c2);
        c3 = vmadd(w, ld4(a->vc, e + 12, f16), c3);
      }
      const vf s = vsplat(inv);
      vstore(o + d, vmul(c0, s)); vstore(o + d + 4, vmul(c1, s)); vstore(o + d + 8, vmul(c2, s)); vstore(o + d + 12, vmul(c3, s));
    }
    for (; d < hd; d += 4) {
      vf c0 = vsplat(0.0f);
      u32 e = base + d;
      for (i32 t = 0; t < len; t++, e += kvw) c0 = vmadd(vsplat(sc[t]), ld4(a->vc, e, f16), c0);
      vstore(o + d, vmul(c0, vsplat(inv)));
    }
  } else {
    for (i32 d = 0; d < hd; d++) {
      float c = 0.0f;
      u32 e = base + d;
      for (i32 t = 0; t < len; t++, e += kvw) c += sc[t] * ld1(a->vc, e, f16);
      o[d] = c * inv;
    }
  }
}

KEXPORT(llm_attention) void llm_attention(const LlmAttn *a, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range(a->n * a->heads, 1, tid, nt, &lo, &hi);
  float *sc = a->scratch + (u32)tid * (u32)a->stride;
  for (i32 task = lo; task < hi; task++) head(a, task / a->heads, task % a->heads, sc);
}
