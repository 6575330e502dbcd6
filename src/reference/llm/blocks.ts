/**
 * Row decoders for the weight types the reference LLM kernels keep in memory: float types and ggml's
 * 32-value blocks. Each decodes `count` values starting at byte `at` of `src` into `out` from `o`.
 * The reference backend imports only the engine, so it has its own decoders; the LLM tests check them
 * value for value against ggml's dequantized fixtures (ggml-quant-fixtures.gguf).
 *
 * Block layouts (little-endian; d and m are float16):
 *   q4_0  18 B: d · 16 bytes, value j = (nibble_j - 8)·d; low nibbles hold values 0–15, high 16–31
 *   q4_1  20 B: d · m · 16 bytes, value j = nibble_j·d + m
 *   q5_0  22 B: d · u32 fifth bits · 16 bytes, value j = (nibble_j | bit_j << 4) - 16, times d
 *   q5_1  24 B: d · m · u32 fifth bits · 16 bytes, value j = (nibble_j | bit_j << 4)·d + m
 *   q8_0  34 B: d · 32 int8, value j = q_j·d
 * Every product is rounded to float32 before the next operation, as in ggml's C.
 */
import { KilnError } from '../../engine/errors.js';
import type { DType } from '../../engine/ir/dtype.js';
import { float16ToNumber } from '../../engine/ir/minifloat.js';
import { decodeQ2K, decodeQ3K, decodeQ4K, decodeQ5K, decodeQ6K } from './blocks-k.js';

export type RowDecoder = (src: Uint8Array, at: number, count: number, out: Float32Array, o: number) => void;

let halfTable: Float32Array | undefined;
export function halfToFloat(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = float16ToNumber(h);
  }
  return halfTable;
}

/** The float16 at byte `at`, as a number (exact). */
export const half = (src: Uint8Array, at: number): number => halfToFloat()[src[at]! | (src[at + 1]! << 8)]!;
const f32 = Math.fround;
const u32 = (src: Uint8Array, at: number): number => (src[at]! | (src[at + 1]! << 8) | (src[at + 2]! << 16) | (src[at + 3]! << 24)) >>> 0;

const scratch = new DataView(new ArrayBuffer(4));
function decodeF32(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  if ((src.byteOffset + at) % 4 === 0) {
    out.set(new Float32Array(src.buffer, src.byteOffset + at, count), o);
    return;
  }
  for (let i = 0; i < count; i++) {
    for (let b = 0; b < 4; b++) scratch.setUint8(b, src[at + 4 * i + b]!);
    out[o + i] = scratch.getFloat32(0, true);
  }
}

function decodeF16(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  const t = halfToFloat();
  for (let i = 0; i < count; i++) out[o + i] = t[src[at + 2 * i]! | (src[at + 2 * i + 1]! << 8)]!;
}

function decodeBF16(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  const bits = new Uint32Array(out.buffer, out.byteOffset + 4 * o, count);
  for (let i = 0; i < count; i++) bits[i] = ((src[at + 2 * i]! | (src[at + 2 * i + 1]! << 8)) << 16) >>> 0;
}

function decodeQ4_0(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  for (let b = at; count > 0; b += 18, o += 32, count -= 32) {
    const d = half(src, b);
    for (let j = 0; j < 16; j++) {
      const q = src[b + 2 + j]!;
      out[o + j] = ((q & 15) - 8) * d;
      out[o + 16 + j] = ((q >> 4) - 8) * d;
    }
  }
}

function decodeQ4_1(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  for (let b = at; count > 0; b += 20, o += 32, count -= 32) {
    const d = half(src, b);
    const m = half(src, b + 2);
    for (let j = 0; j < 16; j++) {
      const q = src[b + 4 + j]!;
      out[o + j] = f32((q & 15) * d) + m;
      out[o + 16 + j] = f32((q >> 4) * d) + m;
    }
  }
}

function decodeQ5_0(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  for (let b = at; count > 0; b += 22, o += 32, count -= 32) {
    const d = half(src, b);
    const hi = u32(src, b + 2);
    for (let j = 0; j < 16; j++) {
      const q = src[b + 6 + j]!;
      out[o + j] = (((q & 15) | (((hi >>> j) & 1) << 4)) - 16) * d;
      out[o + 16 + j] = (((q >> 4) | (((hi >>> (j + 16)) & 1) << 4)) - 16) * d;
    }
  }
}

function decodeQ5_1(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  for (let b = at; count > 0; b += 24, o += 32, count -= 32) {
    const d = half(src, b);
    const m = half(src, b + 2);
    const hi = u32(src, b + 4);
    for (let j = 0; j < 16; j++) {
      const q = src[b + 8 + j]!;
      out[o + j] = f32(((q & 15) | (((hi >>> j) & 1) << 4)) * d) + m;
      out[o + 16 + j] = f32(((q >> 4) | (((hi >>> (j + 16)) & 1) << 4)) * d) + m;
    }
  }
}

function decodeQ8_0(src: Uint8Array, at: number, count: number, out: Float32Array, o: number): void {
  for (let b = at; count > 0; b += 34, o += 32, count -= 32) {
    const d = half(src, b);
    for (let j = 0; j < 32; j++) out[o + j] = ((src[b + 2 + j]! << 24) >> 24) * d;
  }
}

export const ROW_DECODERS: Partial<Record<DType, RowDecoder>> = {
  float32: decodeF32,
  float16: decodeF16,
  bfloat16: decodeBF16,
  q4_0: decodeQ4_0,
  q4_1: decodeQ4_1,
  q5_0: decodeQ5_0,
  q5_1: decodeQ5_1,
  q8_0: decodeQ8_0,
  q2_k: decodeQ2K,
  q3_k: decodeQ3K,
  q4_k: decodeQ4K,
  q5_k: decodeQ5K,
  q6_k: decodeQ6K,
};

export const REFERENCE_WEIGHT_TYPES = Object.keys(ROW_DECODERS) as DType[];

export function rowDecoder(type: DType, what: string): RowDecoder {
  const d = ROW_DECODERS[type];
  if (!d) {
    throw new KilnError('E_TYPE_UNSUPPORTED', `weight '${what}' has type ${type}, which the reference LLM kernels do not decode (they take ${REFERENCE_WEIGHT_TYPES.join(', ')})`, { tensor: what, type });
  }
  return d;
}
