/**
 * A small, bounds-checked FlexBuffers reader for custom-op options. FlexBuffers in brief: the root sits
 * at the end of the buffer — the last byte is the root's byte width, the byte before it the root's packed
 * type (type << 2 | log2 of the child width); the value is just before those. Maps, vectors, strings and
 * keys are reached by unsigned offsets that point backwards. A map stores, just before its values, the
 * offset to a key vector, that vector's byte width, and its length; after the values, one packed-type
 * byte per value. Only what option maps use is read: scalars (int, uint, float, bool), strings, and
 * vectors of numbers. Anything else throws, and the caller keeps the raw bytes instead.
 */

const INT = 1, UINT = 2, FLOAT = 3, KEY = 4, STRING = 5, IND_INT = 6, IND_UINT = 7, IND_FLOAT = 8, MAP = 9;
const VECTOR = 10, VEC_INT = 11, VEC_UINT = 12, VEC_FLOAT = 13, BOOL = 26, VEC_BOOL = 36;

export type FlexValue = number | string | boolean | number[];

class Reader {
  private readonly dv: DataView;
  constructor(private readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  check(at: number, n: number): void {
    if (!(at >= 0 && n >= 0 && at + n <= this.b.byteLength)) throw new Error(`FlexBuffer read of ${n} bytes at ${at} is out of range`);
  }
  uint(at: number, w: number): number {
    this.check(at, w);
    return w === 1 ? this.dv.getUint8(at) : w === 2 ? this.dv.getUint16(at, true) : w === 4 ? this.dv.getUint32(at, true) : Number(this.dv.getBigUint64(at, true));
  }
  int(at: number, w: number): number {
    this.check(at, w);
    return w === 1 ? this.dv.getInt8(at) : w === 2 ? this.dv.getInt16(at, true) : w === 4 ? this.dv.getInt32(at, true) : Number(this.dv.getBigInt64(at, true));
  }
  float(at: number, w: number): number {
    this.check(at, w);
    if (w === 4) return this.dv.getFloat32(at, true);
    if (w === 8) return this.dv.getFloat64(at, true);
    throw new Error(`FlexBuffer float of width ${w}`);
  }
  /** Follows the backwards offset stored at `at` (width w). */
  deref(at: number, w: number): number {
    const t = at - this.uint(at, w);
    this.check(t, 0);
    return t;
  }
  cstring(at: number): string {
    let end = at;
    while (end < this.b.byteLength && this.b[end] !== 0) end++;
    if (end >= this.b.byteLength) throw new Error('unterminated FlexBuffer key');
    return new TextDecoder().decode(this.b.subarray(at, end));
  }
  /** The value stored at `at` with parent width w and packed type `packed`. */
  value(at: number, w: number, packed: number): FlexValue {
    const type = packed >> 2;
    const childW = 1 << (packed & 3);
    switch (type) {
      case INT: return this.int(at, w);
      case UINT: return this.uint(at, w);
      case FLOAT: return this.float(at, w);
      case BOOL: return this.uint(at, w) !== 0;
      case IND_INT: return this.int(this.deref(at, w), childW);
      case IND_UINT: return this.uint(this.deref(at, w), childW);
      case IND_FLOAT: return this.float(this.deref(at, w), childW);
      case KEY: return this.cstring(this.deref(at, w));
      case STRING: {
        const s = this.deref(at, w);
        const n = this.uint(s - childW, childW);
        this.check(s, n);
        return new TextDecoder().decode(this.b.subarray(s, s + n));
      }
      case VEC_INT: case VEC_UINT: case VEC_FLOAT: case VEC_BOOL: case VECTOR: {
        const v = this.deref(at, w);
        const n = this.uint(v - childW, childW);
        if (n > this.b.byteLength) throw new Error('FlexBuffer vector too long');
        this.check(v, n * childW);
        return Array.from({ length: n }, (_, i) => {
          const p = v + i * childW;
          if (type === VEC_FLOAT) return this.float(p, childW);
          if (type === VEC_INT) return this.int(p, childW);
          if (type === VECTOR) {
            const e = this.value(p, childW, this.uint(v + n * childW + i, 1));
            if (typeof e !== 'number') throw new Error('nested FlexBuffer vectors are not read');
            return e;
          }
          return this.uint(p, childW);
        });
      }
      default: throw new Error(`FlexBuffer type ${type} is not read`);
    }
  }
}

/** A FlexBuffer whose root is a map → key/value pairs. Throws on anything else or on bad bytes. */
export function readFlexMap(bytes: Uint8Array): Map<string, FlexValue> {
  const r = new Reader(bytes);
  const len = bytes.byteLength;
  if (len < 3) throw new Error('FlexBuffer too short');
  const rootW = r.uint(len - 1, 1);
  const packed = r.uint(len - 2, 1);
  if (![1, 2, 4, 8].includes(rootW) || packed >> 2 !== MAP) throw new Error('FlexBuffer root is not a map');
  const w = 1 << (packed & 3);
  const at = r.deref(len - 2 - rootW, rootW);
  const n = r.uint(at - w, w);
  const keysAt = r.deref(at - 3 * w, w);
  const keysW = r.uint(at - 2 * w, w);
  if (![1, 2, 4, 8].includes(keysW)) throw new Error('bad FlexBuffer key width');
  if (r.uint(keysAt - keysW, keysW) !== n || n > len) throw new Error('FlexBuffer map keys and values differ in count');
  const out = new Map<string, FlexValue>();
  for (let i = 0; i < n; i++) {
    const key = r.cstring(r.deref(keysAt + i * keysW, keysW));
    out.set(key, r.value(at + i * w, w, r.uint(at + n * w + i, 1)));
  }
  return out;
}
