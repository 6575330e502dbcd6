/** Cast and CastLike: the numeric pairs the wasm kernel takes, with the values where conversions differ (exact). */
import { Tensor } from '../../../src/index.js';
import { numberToFloat16 } from '../../../src/engine/ir/minifloat.js';
import type { OpCase } from '../harness.js';

/** ONNX TensorProto data type codes. */
const T = { float: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, bool: 9, float16: 10, uint32: 12, bfloat16: 16 } as const;

const SPECIAL = [0, -0, 1.5, -2.5, 0.49999997, 2 ** -24, 2 ** -25 * 1.5, 6.1e-5, 65504, 65519.99, 65520, 1e9, -3e9, 2 ** 31, 2 ** 63, -(2 ** 64) * 3,
  1e38, Infinity, -Infinity, NaN, 257.9, -129.5, 3.4e38, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 123456789];
const f32 = new Tensor('float32', Float32Array.from(SPECIAL), [SPECIAL.length]);
const f16 = new Tensor('float16', Uint16Array.from([0, 0x8000, 0x3c00, 0x0001, 0x03ff, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0xc500, 0x5a00, 0xd640]), [12]);
const bf16 = new Tensor('bfloat16', Uint16Array.from([0, 0x3f80, 0xbfc0, 0x7f80, 0x7fc0, 0x4f80, 0x0001]), [7]);
const i64 = new Tensor('int64', BigInt64Array.from([0n, -1n, 16777217n, 2n ** 40n + 3n, -(2n ** 62n) - 1n, 9007199254740993n, 300n]), [7]);
const i32 = new Tensor('int32', Int32Array.from([0, -1, 16777217, 2147483647, -2147483648, 65519, 65520, 255, 256]), [9]);
const u8 = new Tensor('uint8', Uint8Array.from([0, 1, 127, 128, 255]), [5]);
const bool = new Tensor('bool', Uint8Array.from([0, 1, 1, 0]), [4]);
const big = new Tensor('float32', Float32Array.from({ length: 1000 }, (_, i) => (i - 500) * 1.37), [10, 100]);

const cast = (x: Tensor, to: number): OpCase => ({ op: 'Cast', inputs: [x], attrs: { to }, rtol: 0, atol: 0 });

export const castCases: [string, OpCase][] = [
  ['float32 → float16', cast(f32, T.float16)],
  ['float32 → float16 (1000 values, threads)', cast(big, T.float16)],
  ['float16 → float32', cast(f16, T.float)],
  ['float32 → bfloat16', cast(f32, T.bfloat16)],
  ['bfloat16 → float32', cast(bf16, T.float)],
  ['float32 → int32 (truncate, wrap, NaN → 0)', cast(f32, T.int32)],
  ['float32 → int64', cast(f32, T.int64)],
  ['float32 → uint8', cast(f32, T.uint8)],
  ['float32 → int16', cast(f32, T.int16)],
  ['float32 → uint32', cast(f32, T.uint32)],
  ['float32 → bool', cast(f32, T.bool)],
  ['float16 → int8', cast(f16, T.int8)],
  ['int64 → float32 (rounded once)', cast(i64, T.float)],
  ['int64 → int32 (wrap)', cast(i64, T.int32)],
  ['int64 → float16', cast(i64, T.float16)],
  ['int32 → float32', cast(i32, T.float)],
  ['int32 → float16', cast(i32, T.float16)],
  ['int32 → int64', cast(i32, T.int64)],
  ['uint8 → float32', cast(u8, T.float)],
  ['uint8 → int8', cast(u8, T.int8)],
  ['bool → float32', cast(bool, T.float)],
  ['bool → int64', cast(bool, T.int64)],
  ['CastLike float32 → float16', { op: 'CastLike', inputs: [f32, new Tensor('float16', Uint16Array.of(numberToFloat16(1)), [1])], rtol: 0, atol: 0 }],
];
