/** F32, F16 and BF16 → float32. Conversions are exact, so results match ggml bit for bit. */
import { float16ToNumber } from '../ir/minifloat.js';

let table: Float32Array | undefined;

/** All 65536 float16 values as float32 (built once, 256 KiB). */
export function f16Table(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = float16ToNumber(h);
  }
  return table;
}

/** Reads the little-endian float16 at byte `o` of `src` as a float32 value. */
export function f16At(src: Uint8Array, o: number): number {
  return f16Table()[src[o]! | (src[o + 1]! << 8)]!;
}

export function dequantF32(src: Uint8Array, n: number, out: Float32Array): void {
  const aligned = src.byteOffset % 4 === 0 ? src : src.slice(0, n * 4);
  out.set(new Float32Array(aligned.buffer, aligned.byteOffset, n));
}

export function dequantF16(src: Uint8Array, n: number, out: Float32Array): void {
  const t = f16Table();
  for (let i = 0; i < n; i++) out[i] = t[src[2 * i]! | (src[2 * i + 1]! << 8)]!;
}

export function dequantBF16(src: Uint8Array, n: number, out: Float32Array): void {
  // bfloat16 is the top half of a float32: write the bits, so NaN payloads survive too.
  const bits = new Uint32Array(out.buffer, out.byteOffset, n);
  for (let i = 0; i < n; i++) bits[i] = ((src[2 * i]! | (src[2 * i + 1]! << 8)) << 16) >>> 0;
}
