/**
 * The K-quants: super-blocks of 256 values split into sub-blocks of 16 or 32, each with its own small
 * integer scale (and minimum for Q2_K, Q4_K, Q5_K) multiplied by the super-block's f16 d (and dmin).
 * Byte layouts (offsets within one block):
 *   Q2_K  84 B: scales[16] (low nibble scale, high nibble min) · qs[64] (2-bit) · d · dmin
 *   Q3_K 110 B: hmask[32] (3rd bit) · qs[64] (low 2 bits) · scales[12] (16 × 6-bit, offset 32) · d
 *   Q4_K 144 B: d · dmin · scales[12] (8 × 6-bit scale + 8 × 6-bit min) · qs[128] (4-bit)
 *   Q5_K 176 B: d · dmin · scales[12] · qh[32] (5th bit) · qs[128]
 *   Q6_K 210 B: ql[128] (low 4 bits) · qh[64] (high 2 bits) · scales[16] (int8) · d
 *   Q8_K 292 B: d (f32) · qs[256] (int8) · bsums[16] (int16, unused here)
 * Float arithmetic rounds to float32 after every operation, as ggml's C does.
 */
import { f16At } from './float.js';

const f = Math.fround;
const QK_K = 256;

export function dequantQ2_K(src: Uint8Array, nb: number, out: Float32Array): void {
  let y = 0;
  for (let i = 0, o = 0; i < nb; i++, o += 84) {
    const d = f16At(src, o + 80);
    const min = f16At(src, o + 82);
    let is = 0;
    for (let q = o + 16; q < o + 80; q += 32) {
      for (let shift = 0; shift < 8; shift += 2) {
        for (let half = 0; half < 32; half += 16) {
          const sc = src[o + is++]!;
          const dl = f(d * (sc & 0xf));
          const ml = f(min * (sc >> 4));
          for (let l = 0; l < 16; l++) out[y++] = f(dl * ((src[q + half + l]! >> shift) & 3)) - ml;
        }
      }
    }
  }
}

/** The 16 six-bit scales of a Q3_K block (12 bytes at `o`), still offset by 32. */
function q3Scales(src: Uint8Array, o: number, sc: Int32Array): void {
  for (let j = 0; j < 16; j++) {
    const low = j < 8 ? src[o + j]! & 0xf : src[o + j - 8]! >> 4;
    const high = (src[o + 8 + (j & 3)]! >> (2 * (j >> 2))) & 3;
    sc[j] = low | (high << 4);
  }
}

export function dequantQ3_K(src: Uint8Array, nb: number, out: Float32Array): void {
  const sc = new Int32Array(16);
  let y = 0;
  for (let i = 0, o = 0; i < nb; i++, o += 110) {
    const dAll = f16At(src, o + 108);
    q3Scales(src, o + 96, sc);
    let is = 0;
    let m = 1;
    for (let q = o + 32; q < o + 96; q += 32) {
      for (let shift = 0; shift < 8; shift += 2, m <<= 1) {
        for (let half = 0; half < 32; half += 16) {
          const dl = f(dAll * (sc[is++]! - 32));
          for (let l = 0; l < 16; l++) {
            const lo = (src[q + half + l]! >> shift) & 3;
            const hi = src[o + half + l]! & m ? 0 : 4;
            out[y++] = dl * (lo - hi);
          }
        }
      }
    }
  }
}

/** ggml's get_scale_min_k4: scale and min of sub-block j from the 12 packed bytes at `o`. */
function scaleMinK4(src: Uint8Array, o: number, j: number): [number, number] {
  if (j < 4) return [src[o + j]! & 63, src[o + j + 4]! & 63];
  return [(src[o + j + 4]! & 0xf) | ((src[o + j - 4]! >> 6) << 4), (src[o + j + 4]! >> 4) | ((src[o + j]! >> 6) << 4)];
}

export function dequantQ4_K(src: Uint8Array, nb: number, out: Float32Array): void {
  let y = 0;
  for (let i = 0, o = 0; i < nb; i++, o += 144) {
    const d = f16At(src, o);
    const min = f16At(src, o + 2);
    for (let j = 0, is = 0, q = o + 16; j < QK_K; j += 64, is += 2, q += 32) {
      const [s1, m1] = scaleMinK4(src, o + 4, is);
      const [s2, m2] = scaleMinK4(src, o + 4, is + 1);
      const d1 = f(d * s1), dm1 = f(min * m1), d2 = f(d * s2), dm2 = f(min * m2);
      for (let l = 0; l < 32; l++) out[y++] = f(d1 * (src[q + l]! & 0xf)) - dm1;
      for (let l = 0; l < 32; l++) out[y++] = f(d2 * (src[q + l]! >> 4)) - dm2;
    }
  }
}

export function dequantQ5_K(src: Uint8Array, nb: number, out: Float32Array): void {
  let y = 0;
  for (let i = 0, o = 0; i < nb; i++, o += 176) {
    const d = f16At(src, o);
    const min = f16At(src, o + 2);
    const qh = o + 16;
    let u1 = 1, u2 = 2;
    for (let j = 0, is = 0, ql = o + 48; j < QK_K; j += 64, is += 2, ql += 32, u1 <<= 2, u2 <<= 2) {
      const [s1, m1] = scaleMinK4(src, o + 4, is);
      const [s2, m2] = scaleMinK4(src, o + 4, is + 1);
      const d1 = f(d * s1), dm1 = f(min * m1), d2 = f(d * s2), dm2 = f(min * m2);
      for (let l = 0; l < 32; l++) out[y++] = f(d1 * ((src[ql + l]! & 0xf) + (src[qh + l]! & u1 ? 16 : 0))) - dm1;
      for (let l = 0; l < 32; l++) out[y++] = f(d2 * ((src[ql + l]! >> 4) + (src[qh + l]! & u2 ? 16 : 0))) - dm2;
    }
  }
}

export function dequantQ6_K(src: Uint8Array, nb: number, out: Float32Array): void {
  const s8 = (o: number): number => (src[o]! << 24) >> 24;
  for (let i = 0, o = 0, y = 0; i < nb; i++, o += 210) {
    const d = f16At(src, o + 208);
    for (let n = 0, ql = o, qh = o + 128, sc = o + 192; n < QK_K; n += 128, ql += 64, qh += 32, sc += 8, y += 128) {
      for (let l = 0; l < 32; l++) {
        const is = sc + (l >> 4);
        const h = src[qh + l]!;
        const a = src[ql + l]!;
        const b = src[ql + l + 32]!;
        out[y + l] = f(d * s8(is)) * (((a & 0xf) | ((h & 3) << 4)) - 32);
        out[y + l + 32] = f(d * s8(is + 2)) * (((b & 0xf) | (((h >> 2) & 3) << 4)) - 32);
        out[y + l + 64] = f(d * s8(is + 4)) * (((a >> 4) | (((h >> 4) & 3) << 4)) - 32);
        out[y + l + 96] = f(d * s8(is + 6)) * (((b >> 4) | (((h >> 6) & 3) << 4)) - 32);
      }
    }
  }
}

export function dequantQ8_K(src: Uint8Array, nb: number, out: Float32Array): void {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  for (let i = 0, o = 0, y = 0; i < nb; i++, o += 292, y += QK_K) {
    const d = view.getFloat32(o, true);
    for (let j = 0; j < QK_K; j++) out[y + j] = d * ((src[o + 4 + j]! << 24) >> 24);
  }
}
