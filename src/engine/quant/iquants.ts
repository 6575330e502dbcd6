/**
 * IQ4_NL and IQ4_XS: 4-bit indices into one fixed non-linear table of 16 levels, times a scale. IQ4_NL
 * blocks are 32 values with an f16 scale (nibble layout as Q4_0); IQ4_XS super-blocks are 256 values with
 * an f16 scale and a 6-bit scale per 32 values (low 4 bits in scales_l, high 2 bits in the u16 scales_h),
 * stored offset by 32.
 */
import { f16At } from './float.js';

/** ggml's kvalues_iq4nl. */
export const IQ4NL_LEVELS = Int8Array.of(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113);
const f = Math.fround;

export function dequantIQ4_NL(src: Uint8Array, nb: number, out: Float32Array): void {
  for (let i = 0, o = 0, y = 0; i < nb; i++, o += 18, y += 32) {
    const d = f16At(src, o);
    for (let j = 0; j < 16; j++) {
      const b = src[o + 2 + j]!;
      out[y + j] = d * IQ4NL_LEVELS[b & 0xf]!;
      out[y + j + 16] = d * IQ4NL_LEVELS[b >> 4]!;
    }
  }
}

export function dequantIQ4_XS(src: Uint8Array, nb: number, out: Float32Array): void {
  for (let i = 0, o = 0, y = 0; i < nb; i++, o += 136) {
    const d = f16At(src, o);
    const scalesH = src[o + 2]! | (src[o + 3]! << 8);
    for (let ib = 0; ib < 8; ib++, y += 32) {
      const ls = ((src[o + 4 + (ib >> 1)]! >> (4 * (ib & 1))) & 0xf) | (((scalesH >> (2 * ib)) & 3) << 4);
      const dl = f(d * (ls - 32));
      const q = o + 8 + 16 * ib;
      for (let j = 0; j < 16; j++) {
        const b = src[q + j]!;
        out[y + j] = dl * IQ4NL_LEVELS[b & 0xf]!;
        out[y + j + 16] = dl * IQ4NL_LEVELS[b >> 4]!;
      }
    }
  }
}
