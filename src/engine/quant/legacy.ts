/**
 * The 32-value block types: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0. Each block starts with an f16 scale d (Q4_1 and
 * Q5_1 add an f16 minimum m); value j of a block is d·q_j (with an offset for the signed types) or
 * d·q_j + m. In Q4 and Q5 the low nibbles of the 16 data bytes hold values 0–15 of the block and the
 * high nibbles values 16–31; Q5 keeps each value's fifth bit in a u32 (bit j for value j).
 *
 * Arithmetic follows ggml's C: every float operation rounds to float32 (Math.fround, or the store into a
 * Float32Array). A float op done in double and then rounded to float32 gives the same float32 result.
 */
import { f16At } from './float.js';

const QK = 32;
const f = Math.fround;

export function dequantQ4_0(src: Uint8Array, nb: number, out: Float32Array): void {
  for (let i = 0, o = 0, y = 0; i < nb; i++, o += 18, y += QK) {
    const d = f16At(src, o);
    for (let j = 0; j < 16; j++) {
      const b = src[o + 2 + j]!;
      out[y + j] = ((b & 0xf) - 8) * d;
      out[y + j + 16] = ((b >> 4) - 8) * d;
    }
  }
}

export function dequantQ4_1(src: Uint8Array, nb: number, out: Float32Array): void {
  for (let i = 0, o = 0, y = 0; i < nb; i++, o += 20, y += QK) {
    const d = f16At(src, o);
    const m = f16At(src, o + 2);
    for (let j = 0; j < 16; j++) {
      const b = src[o + 4 + j]!;
      out[y + j] = f((b & 0xf) * d) + m;
      out[y + j + 16] = f((b >> 4) * d) + m;
    }
  }
}

const u32At = (src: Uint8Array, o: number): number => (src[o]! | (src[o + 1]! << 8) | (src[o + 2]! << 16) | (src[o + 3]! << 24)) >>> 0;

export function dequantQ5_0(src: Uint8Array, nb: number, out: Float32Array): void {
  for (let i = 0, o = 0, y = 0; i < nb; i++, o += 22, y += QK) {
    const d = f16At(src, o);
    const qh = u32At(src, o + 2);
    for (let j = 0; j < 16; j++) {
      const b = src[o + 6 + j]!;
      const h0 = ((qh >>> j) << 4) & 0x10;
      const h1 = (qh >>> (j + 12)) & 0x10;
      out[y + j] = (((b & 0xf) | h0) - 16) * d;
      out[y + j + 16] = (((b >> 4) | h1) - 16) * d;
    }
  }
}

export function dequantQ5_1(src: Uint8Array, nb: number, out: Float32Array): void {
  for (let i = 0, o = 0, y = 0; i < nb; i++, o += 24, y += QK) {
    const d = f16At(src, o);
    const m = f16At(src, o + 2);
    const qh = u32At(src, o + 4);
    for (let j = 0; j < 16; j++) {
      const b = src[o + 8 + j]!;
      const h0 = ((qh >>> j) << 4) & 0x10;
      const h1 = (qh >>> (j + 12)) & 0x10;
      out[y + j] = f(((b & 0xf) | h0) * d) + m;
      out[y + j + 16] = f(((b >> 4) | h1) * d) + m;
    }
  }
}

export function dequantQ8_0(src: Uint8Array, nb: number, out: Float32Array): void {
  for (let i = 0, o = 0, y = 0; i < nb; i++, o += 34, y += QK) {
    const d = f16At(src, o);
    for (let j = 0; j < 32; j++) out[y + j] = ((src[o + 2 + j]! << 24) >> 24) * d;
  }
}
