/**
 * How each tensor element type lives in a GPU buffer. WGSL has 32-bit scalars (and f16 with the
 * `shader-f16` feature), so narrow integers and bool widen to 32 bits on upload, and int64/uint64 narrow
 * to 32 bits (saturating), as onnxruntime-web does: indices and shapes fit. Downloads convert back.
 */
import { DTYPES, byteLength, type DType } from '../engine/ir/dtype.js';
import type { TensorData } from '../engine/tensor.js';

/** Thrown for inputs a webgpu kernel cannot run (a dtype, a rank): the node then runs on the CPU. */
export class Unsupported extends Error {}

/** The WGSL scalar a buffer of this tensor holds. */
export type Elem = 'f32' | 'i32' | 'u32' | 'f16';

export function elemOf(type: DType, f16: boolean): Elem | undefined {
  switch (type) {
    case 'q8_0': case 'q4_0': return 'u32'; // raw blocks, read as bytes by the quantized kernels
    case 'float32': return 'f32';
    case 'float16': return f16 ? 'f16' : undefined;
    case 'int32': case 'int64': case 'int8': case 'int16': return 'i32';
    case 'uint32': case 'uint64': case 'uint8': case 'uint16': case 'bool': return 'u32';
    default: return undefined;
  }
}

export const elemBytes = (e: Elem): number => (e === 'f16' ? 2 : 4);

/** Bytes of `count` elements on the GPU, rounded up to 4 (WGSL bindings are 4-byte multiples). */
export const deviceBytes = (e: Elem, count: number, type?: DType): number =>
  Math.ceil((type && DTYPES[type].kind === 'block' ? byteLength(type, count) : count * elemBytes(e)) / 4) * 4;

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

/** CPU elements → the bytes the GPU buffer holds. */
export function packForDevice(type: DType, data: TensorData): ArrayBufferView {
  switch (type) {
    case 'float32': case 'int32': case 'uint32': case 'float16': case 'q8_0': case 'q4_0': return data as ArrayBufferView;
    case 'int8': case 'int16': return Int32Array.from(data as Int8Array | Int16Array);
    case 'uint8': case 'uint16': case 'bool': return Uint32Array.from(data as Uint8Array | Uint16Array);
    case 'int64': {
      const src = data as BigInt64Array;
      const out = new Int32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i]!;
        out[i] = v > 2147483647n ? I32_MAX : v < -2147483648n ? I32_MIN : Number(v);
      }
      return out;
    }
    case 'uint64': {
      const src = data as BigUint64Array;
      const out = new Uint32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = src[i]! > 0xffffffffn ? 0xffffffff : Number(src[i]!);
      return out;
    }
    default: throw new Error(`no GPU layout for ${type}`);
  }
}

/** Bytes read back from the GPU (`count` elements) → CPU elements of `type`. */
export function unpackFromDevice(type: DType, bytes: ArrayBuffer, count: number): TensorData {
  switch (type) {
    case 'float32': return new Float32Array(bytes, 0, count);
    case 'int32': return new Int32Array(bytes, 0, count);
    case 'uint32': return new Uint32Array(bytes, 0, count);
    case 'float16': return new Uint16Array(bytes, 0, count);
    case 'q8_0': case 'q4_0': return new Uint8Array(bytes, 0, byteLength(type, count));
    case 'int8': return Int8Array.from(new Int32Array(bytes, 0, count));
    case 'int16': return Int16Array.from(new Int32Array(bytes, 0, count));
    case 'uint8': return Uint8Array.from(new Uint32Array(bytes, 0, count));
    case 'uint16': return Uint16Array.from(new Uint32Array(bytes, 0, count));
    case 'bool': return Uint8Array.from(new Uint32Array(bytes, 0, count), (v) => (v !== 0 ? 1 : 0));
    case 'int64': return BigInt64Array.from(new Int32Array(bytes, 0, count), (v) => BigInt(v));
    case 'uint64': return BigUint64Array.from(new Uint32Array(bytes, 0, count), (v) => BigInt(v));
    default: throw new Error(`no GPU layout for ${type}`);
  }
}
