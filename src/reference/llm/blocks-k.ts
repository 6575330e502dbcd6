/**
 * Row decoders for ggml's K-quants: super-blocks of 256 values in sub-blocks of 16 or 32, each with a
 * small integer scale (and minimum) times the super-block's float16 d (and dmin). Layouts:
 *   q2_k  84 B: scales[16] (low nibble scale, high nibble min) · qs[64] 2-bit · d · dmin
 *   q3_k 110 B: hmask[32] (third bit, clear = subtract 4) · qs[64] 2-bit · scales[12] (16 × 6 bit, -32) · d
 *   q4_k 144 B: d · dmin · scales[12] (8 six-bit scales and mins) · qs[128] 4-bit
 *   q5_k 176 B: d · dmin · scales[12] · qh[32] (fifth bit) · qs[128] 4-bit
 *   q6_k 210 B: ql[128] low 4 bits · qh[64] high 2 bits · scales[16] int8 · d
 * The 2/4-bit planes run in 32-byte strips: strip s of a 128-value half holds its values at bit shift
 * 2·s (q2_k, q3_k) or in its low then high nibbles (q4_k, q5_k). Products round to float32 in ggml's order.
 */
import { half } from './blocks.js';

const f32 = Math.fround;

export function decodeQ2K(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  for (let b = at; count > 0; b += 84, count -= 256) {
    const d = half(src, b + 80);
    const dmin = half(src, b + 82);
    let s = b;
    for (let halfAt = b + 16; halfAt < b + 80; halfAt += 32) {
      for (let shift = 0; shift < 8; shift += 2) {
        for (let part = 0; part < 32; part += 16, s++) {
          const scale = f32(d * (src[s]! & 15));
          const min = f32(dmin * (src[s]! >> 4));
          for (let l = 0; l < 16; l++) out[o++] = f32(scale * ((src[halfAt + part + l]! >> shift) & 3)) - min;
        }
      }
    }
  }
}

/** Six-bit scale j (0–15) of a q3_k block, packed in the 12 bytes at `at`, still offset by 32. */
function q3Scale(src: Uint8Array, at: number, j: number): number {
  const low = j < 8 ? src[at + j]! & 15 : src[at + j - 8]! >> 4;
  const high = (src[at + 8 + (j % 4)]! >> (2 * Math.floor(j / 4))) & 3;
  return low | (high << 4);
}

export function decodeQ3K(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  for (let b = at; count > 0; b += 110, count -= 256) {
    const d = half(src, b + 108);
    let j = 0;
    let mask = 1;
    for (let halfAt = b + 32; halfAt < b + 96; halfAt += 32) {
      for (let shift = 0; shift < 8; shift += 2, mask <<= 1) {
        for (let part = 0; part < 32; part += 16, j++) {
          const scale = f32(d * (q3Scale(src, b + 96, j) - 32));
          for (let l = 0; l < 16; l++) {
            const low = (src[halfAt + part + l]! >> shift) & 3;
            out[o++] = scale * (low - (src[b + part + l]! & mask ? 0 : 4));
          }
        }
      }
    }
  }
}

/** Scale and min of sub-block j (0–7) of a q4_k/q5_k block, from the 12 packed bytes at `at`. */
function scaleMin(src: Uint8Array, at: number, j: number): [number, number] {
  if (j < 4) return [src[at + j]! & 63, src[at + 4 + j]! & 63];
  const lo = src[at + 4 + j]!;
  return [(lo & 15) | ((src[at + j - 4]! >> 6) << 4), (lo >> 4) | ((src[at + j]! >> 6) << 4)];
}

export function decodeQ4K(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  for (let b = at; count > 0; b += 144, count -= 256) {
    const d = half(src, b);
    const dmin = half(src, b + 2);
    for (let strip = 0; strip < 4; strip++) {
      const q = b + 16 + 32 * strip;
      const [s1, m1] = scaleMin(src, b + 4, 2 * strip);
      const [s2, m2] = scaleMin(src, b + 4, 2 * strip + 1);
      const d1 = f32(d * s1), min1 = f32(dmin * m1), d2 = f32(d * s2), min2 = f32(dmin * m2);
      for (let l = 0; l < 32; l++) out[o++] = f32(d1 * (src[q + l]! & 15)) - min1;
      for (let l = 0; l < 32; l++) out[o++] = f32(d2 * (src[q + l]! >> 4)) - min2;
    }
  }
}

export function decodeQ5K(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  for (let b = at; count > 0; b += 176, count -= 256) {
    const d = half(src, b);
    const dmin = half(src, b + 2);
    for (let strip = 0; strip < 4; strip++) {
      const q = b + 48 + 32 * strip;
      const lowBit = 1 << (2 * strip);
      const highBit = lowBit << 1;
      const [s1, m1] = scaleMin(src, b + 4, 2 * strip);
      const [s2, m2] = scaleMin(src, b + 4, 2 * strip + 1);
      const d1 = f32(d * s1), min1 = f32(dmin * m1), d2 = f32(d * s2), min2 = f32(dmin * m2);
      for (let l = 0; l < 32; l++) out[o++] = f32(d1 * ((src[q + l]! & 15) + (src[b + 16 + l]! & lowBit ? 16 : 0))) - min1;
      for (let l = 0; l < 32; l++) out[o++] = f32(d2 * ((src[q + l]! >> 4) + (src[b + 16 + l]! & highBit ? 16 : 0))) - min2;
    }
  }
}

export function decodeQ6K(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  const i8 = (x: number): number => (x << 24) >> 24;
  for (let b = at; count > 0; b += 210, count -= 256) {
    const d = half(src, b + 208);
    for (let h = 0; h < 2; h++, o += 128) {
      const ql = b + 64 * h;
      const qh = b + 128 + 32 * h;
      const sc = b + 192 + 8 * h;
      for (let l = 0; l < 32; l++) {
        const s = sc + (l >> 4);
        const hi = src[qh + l]!;
        const a = src[ql + l]!;
        const c = src[ql + 32 + l]!;
        out[o + l] = f32(d * i8(src[s]!)) * (((a & 15) | ((hi & 3) << 4)) - 32);
        out[o + 32 + l] = f32(d * i8(src[s + 2]!)) * (((c & 15) | (((hi >> 2) & 3) << 4)) - 32);
        out[o + 64 + l] = f32(d * i8(src[s + 4]!)) * (((a >> 4) | (((hi >> 4) & 3) << 4)) - 32);
        out[o + 96 + l] = f32(d * i8(src[s + 6]!)) * (((c >> 4) | (((hi >> 6) & 3) << 4)) - 32);
      }
    }
  }
}
