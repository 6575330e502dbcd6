/*
 * The LLM runner's small ops: RMS/layer norm, RoPE (angles from the caller), residual add, gated
 * activations (SiLU, tanh-GELU), and storing keys and values into an f32 or f16 KV cache. Attention is
 * in llm_attn.c. Rows are independent, so the parallel ones split rows.
 */
#include "llm.h"
#include "vmath.h"

/* float32 → float16, rounding to nearest even (as numberToFloat16 in the engine). */
INLINE u16 f2h(float f) {
  const u32 x = f2u(f), sign = (x >> 16) & 0x8000, a = x & 0x7fffffff;
  if (a >= 0x7f800000) return (u16)(sign | (a > 0x7f800000 ? 0x7e00 : 0x7c00));
  if (a >= 0x477ff000) return (u16)(sign | 0x7c00);
  if (a < 0x38800000) return (u16)(sign | (u32)(i32)__builtin_rintf(u2f(a) * 0x1p24f));
  return (u16)(sign | ((a + 0x0fff + ((a >> 13) & 1) - 0x38000000) >> 13));
}

/*
 * Each of `groups` groups of g values of x (consecutive) → normalized · w (+ bias). kind 0: RMS,
 * 1: layer norm. Sums in double, like the reference. out may be x.
 */
KEXPORT(llm_norm) void llm_norm(i32 kind, const float *x, const float *w, const float *bias, float eps, float *out, i32 groups, i32 g, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range(groups, 1, tid, nt, &lo, &hi);
  for (i32 i = lo; i < hi; i++) {
    const float *v = x + (u32)i * (u32)g;
    float *o = out + (u32)i * (u32)g;
    double mean = 0.0;
    if (kind == 1) {
      v128_t s = wasm_f64x2_splat(0.0);
      i32 c = 0;
      for (; c + 4 <= g; c += 4) {
        vf e = vload(v + c);
        s = wasm_f64x2_add(s, wasm_f64x2_add(wasm_f64x2_promote_low_f32x4(e), wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(e, e, 2, 3, 0, 1))));
      }
      mean = wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
      for (; c < g; c++) mean += v[c];
      mean /= g;
    }
    const v128_t mv = wasm_f64x2_splat(mean);
    v128_t s = wasm_f64x2_splat(0.0);
    i32 c = 0;
    for (; c + 4 <= g; c += 4) {
      vf e = vload(v + c);
      v128_t a = wasm_f64x2_sub(wasm_f64x2_promote_low_f32x4(e), mv);
      v128_t b = wasm_f64x2_sub(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(e, e, 2, 3, 0, 1)), mv);
      s = wasm_f64x2_add(s, wasm_f64x2_add(wasm_f64x2_mul(a, a), wasm_f64x2_mul(b, b)));
    }
    double sq = wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
    for (; c < g; c++) sq += (v[c] - mean) * (v[c] - mean);
    const float scale = (float)(1.0 / __builtin_sqrt((double)(float)(sq / g) + (double)eps));
    c = 0;
    if (kind == 0 && !bias) {
      const vf sv = vsplat(scale);
      for (; c + 4 <= g; c += 4) vstore(o + c, vmul(vmul(vload(v + c), sv), vload(w + c)));
    }
    for (; c < g; c++) {
      const float y = (float)((v[c] - mean) * scale) * w[c];
      o[c] = bias ? y + bias[c] : y;
    }
  }
}

/*
 * Rotates in place the first `dims` values of each of `heads` heads (hd values, row stride cols) of rows
 * 0..n-1: row i uses cs + i*dims (dims/2 cosines then dims/2 sines). neox pairs (k, k + dims/2), else
 * (2k, 2k+1).
 */
KEXPORT(llm_rope) void llm_rope(float *x, i32 n, i32 cols, i32 heads, i32 hd, i32 dims, i32 neox, const float *cs, i32 tid, i32 nt) {
  const i32 half = dims / 2;
  i32 lo, hi;
  split_range(n * heads, 1, tid, nt, &lo, &hi);
  for (i32 task = lo; task < hi; task++) {
    const i32 i = task / heads, h = task - i * heads;
    float *v = x + (u32)i * (u32)cols + h * hd;
    const float *cv = cs + i * dims, *sv = cv + half;
    if (neox) {
      i32 k = 0;
      for (; k + 4 <= half; k += 4) {
        vf a = vload(v + k), b = vload(v + k + half), c = vload(cv + k), s = vload(sv + k);
        vstore(v + k, vsub(vmul(a, c), vmul(b, s)));
        vstore(v + k + half, vmadd(a, s, vmul(b, c)));
      }
      for (; k < half; k++) {
        const float a = v[k], b = v[k + half];
        v[k] = a * cv[k] - b * sv[k];
        v[k + half] = a * sv[k] + b * cv[k];
      }
    } else {
      for (i32 k = 0; k < half; k++) {
        const float a = v[2 * k], b = v[2 * k + 1];
        v[2 * k] = a * cv[k] - b * sv[k];
        v[2 * k + 1] = a * sv[k] + b * cv[k];
      }
    }
  }
}

/* out = a + b over len values (out may be a). */
KEXPORT(llm_add) void llm_add(const float *a, const float *b, float *out, i32 len, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range(len, 64, tid, nt, &lo, &hi);
  i32 i = lo;
  for (; i + 4 <= hi; i += 4) vstore(out + i, vadd(vload(a + i), vload(b + i)));
  for (; i < hi; i++) out[i] = a[i] + b[i];
}

/* out = act(gate) · up over len values; act 0: SiLU, 1: tanh-GELU (out may be gate). */
KEXPORT(llm_gated) void llm_gated(i32 act, const float *gate, const float *up, float *out, i32 len, i32 tid, i32 nt) {
  i32 lo, hi;
  split_range(len, 64, tid, nt, &lo, &hi);
  i32 i = lo;
  for (; i + 4 <= hi; i += 4) {
    vf gv = vload(gate + i);
    vf a = act == 0 ? vmul(gv, vsigmoid(gv)) : vgelu_tanh(gv);
    vstore(out + i, vmul(a, vload(up + i)));
  }
  if (i < hi) {
    float tg[4] __attribute__((aligned(16))) = {0, 0, 0, 0}, tu[4] __attribute__((aligned(16))) = {0, 0, 0, 0};
    for (i32 j = i; j < hi; j++) { tg[j - i] = gate[j]; tu[j - i] = up[j]; }
    vf gv = vload(tg);
    vf a = act == 0 ? vmul(gv, vsigmoid(gv)) : vgelu_tanh(gv);
    vstore(tg, vmul(a, vload(tu)));
    for (i32 j = i; j < hi; j++) out[j] = tg[j - i];
  }
}

/* Stores len values of src at dst as float32 (f16 = 0) or float16 (f16 = 1). */
KEXPORT(llm_kv_store) void llm_kv_store(const float *src, void *dst, i32 len, i32 f16) {
  if (!f16) { copy_floats((float *)dst, src, len); return; }
  u16 *d = (u16 *)dst;
  for (i32 i = 0; i < len; i++) d[i] = f2h(src[i]);
}
