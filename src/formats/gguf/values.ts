/**
 * GGUF metadata values: twelve scalar types (8- to 64-bit integers, float32/64, bool, string) and
 * arrays, which hold one item type each and may nest. 64-bit integers stay exact as bigint; numeric
 * arrays come out as typed arrays. Before an array is allocated its count is checked against the bytes
 * left in the file (each item needs at least its minimum encoded size), so no count can make the reader
 * allocate more than a small multiple of the file.
 */
import type { Cursor } from './cursor.js';

export const GGUF_VALUE_TYPES = [
  'uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'bool', 'string', 'array', 'uint64', 'int64', 'float64',
] as const;
export type GgufValueType = (typeof GGUF_VALUE_TYPES)[number];

export type GgufArrayItems =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array
  | BigUint64Array | BigInt64Array | Float64Array | boolean[] | string[] | GgufArray[];

export interface GgufArray {
  readonly itemType: GgufValueType;
  readonly items: GgufArrayItems;
}

export type GgufValue = number | bigint | boolean | string | GgufArray;

export interface GgufEntry {
  readonly key: string;
  readonly type: GgufValueType;
  readonly value: GgufValue;
  /** Byte offset of the key in the file. */
  readonly offset: number;
}

/** Arrays may nest; real files use at most one level. Deeper nesting is refused (candle does the same). */
export const MAX_ARRAY_DEPTH = 8;

const FIXED_SIZE: Partial<Record<GgufValueType, number>> = {
  uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, bool: 1, uint64: 8, int64: 8, float64: 8,
};

type NumericCtor =
  | Uint8ArrayConstructor | Int8ArrayConstructor | Uint16ArrayConstructor | Int16ArrayConstructor
  | Uint32ArrayConstructor | Int32ArrayConstructor | Float32ArrayConstructor | BigUint64ArrayConstructor
  | BigInt64ArrayConstructor | Float64ArrayConstructor;

const ARRAY_CTOR: Partial<Record<GgufValueType, NumericCtor>> = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array, int32: Int32Array,
  float32: Float32Array, uint64: BigUint64Array, int64: BigInt64Array, float64: Float64Array,
};

/** Encoded size of the smallest possible value of a type (strings and arrays: their length prefix). */
export function minEncodedSize(type: GgufValueType, lenWidth: 4 | 8): number {
  if (type === 'string') return lenWidth;
  if (type === 'array') return 4 + lenWidth;
  return FIXED_SIZE[type]!;
}

export function isValueTypeCode(code: number): boolean {
  return Number.isInteger(code) && code >= 0 && code < GGUF_VALUE_TYPES.length;
}

/** Reads a value type code (uint32) and names it. */
export function readValueType(cur: Cursor, what: string, key: string): GgufValueType {
  const at = cur.pos;
  const code = cur.u32(what);
  if (!isValueTypeCode(code)) cur.fail(`${what} of '${key}' is ${code}, which is not a GGUF value type (0–12)`, at, { key });
  return GGUF_VALUE_TYPES[code]!;
}

export function readValue(cur: Cursor, type: GgufValueType, lenWidth: 4 | 8, key: string, depth = 0): GgufValue {
  switch (type) {
    case 'uint8': return cur.u8(key);
    case 'int8': return cur.i8(key);
    case 'uint16': return cur.u16(key);
    case 'int16': return cur.i16(key);
    case 'uint32': return cur.u32(key);
    case 'int32': return cur.i32(key);
    case 'float32': return cur.f32(key);
    case 'float64': return cur.f64(key);
    case 'uint64': return cur.u64(key);
    case 'int64': return cur.i64(key);
    case 'bool': return readBool(cur, key);
    case 'string': return cur.string(lenWidth, `string value of '${key}'`, { key });
    case 'array': return readArray(cur, lenWidth, key, depth + 1);
  }
}

function readBool(cur: Cursor, key: string): boolean {
  const at = cur.pos;
  const b = cur.u8(key);
  if (b > 1) cur.fail(`bool value of '${key}' is ${b} (must be 0 or 1)`, at, { key });
  return b === 1;
}

function readArray(cur: Cursor, lenWidth: 4 | 8, key: string, depth: number): GgufArray {
  const at = cur.pos;
  if (depth > MAX_ARRAY_DEPTH) cur.fail(`arrays in '${key}' nest more than ${MAX_ARRAY_DEPTH} deep`, at, { key });
  const itemType = readValueType(cur, 'array item type', key);
  const countAt = cur.pos;
  const n = cur.count(lenWidth, `array length of '${key}'`, { key });
  const min = minEncodedSize(itemType, lenWidth);
  if (n * min > cur.remaining) {
    cur.fail(`array '${key}' claims ${n} ${itemType} items (at least ${n * min} bytes) but only ${cur.remaining} bytes are left`, countAt, { key });
  }
  const Ctor = ARRAY_CTOR[itemType];
  if (Ctor) return { itemType, items: new Ctor(cur.copy(n * min, `array '${key}'`)) };
  if (itemType === 'bool') {
    const items: boolean[] = [];
    for (let i = 0; i < n; i++) items.push(readBool(cur, key));
    return { itemType, items };
  }
  if (itemType === 'string') {
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(cur.string(lenWidth, `item ${i} of '${key}'`, { key }));
    return { itemType, items };
  }
  const items: GgufArray[] = [];
  for (let i = 0; i < n; i++) items.push(readArray(cur, lenWidth, key, depth + 1));
  return { itemType, items };
}

export const isGgufArray = (v: GgufValue | undefined): v is GgufArray => typeof v === 'object' && v !== null && 'itemType' in v;

/** A metadata value as plain JSON-able data (bigints as numbers when exact, else as strings). */
export function valueToJson(v: GgufValue): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (!isGgufArray(v)) return v;
  const items = v.items as ArrayLike<unknown>;
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) out.push(valueToJson(items[i] as GgufValue));
  return out;
}
