/**
 * Test helpers for GGUF: a writer for handcrafted files (any version, any value type, nested arrays,
 * chosen alignment and offsets) and a trusting walker that maps a valid file to the byte spans of its
 * fields, so the malformed-file generator can aim its mutations.
 */
import { GGUF_VALUE_TYPES, type GgufValueType } from '../../src/formats/gguf/index.js';

export type Val =
  | { t: Exclude<GgufValueType, 'array' | 'string' | 'bool' | 'uint64' | 'int64'>; v: number }
  | { t: 'uint64' | 'int64'; v: bigint }
  | { t: 'bool'; v: boolean | number }
  | { t: 'string'; v: string | Uint8Array }
  | { t: 'array'; item: GgufValueType; v: Val[] }
  | { t: 'raw-type'; code: number; bytes: number[] };

export const V = {
  u8: (v: number): Val => ({ t: 'uint8', v }),
  i8: (v: number): Val => ({ t: 'int8', v }),
  u16: (v: number): Val => ({ t: 'uint16', v }),
  i16: (v: number): Val => ({ t: 'int16', v }),
  u32: (v: number): Val => ({ t: 'uint32', v }),
  i32: (v: number): Val => ({ t: 'int32', v }),
  f32: (v: number): Val => ({ t: 'float32', v }),
  f64: (v: number): Val => ({ t: 'float64', v }),
  u64: (v: bigint): Val => ({ t: 'uint64', v }),
  i64: (v: bigint): Val => ({ t: 'int64', v }),
  bool: (v: boolean | number): Val => ({ t: 'bool', v }),
  str: (v: string | Uint8Array): Val => ({ t: 'string', v }),
  arr: (item: GgufValueType, v: Val[]): Val => ({ t: 'array', item, v }),
  strs: (xs: string[]): Val => ({ t: 'array', item: 'string', v: xs.map((x) => ({ t: 'string', v: x }) as Val) }),
  f32s: (xs: number[]): Val => ({ t: 'array', item: 'float32', v: xs.map((x) => ({ t: 'float32', v: x }) as Val) }),
  i32s: (xs: number[]): Val => ({ t: 'array', item: 'int32', v: xs.map((x) => ({ t: 'int32', v: x }) as Val) }),
};

export interface BuildTensor {
  name: string;
  ne: number[];
  ggmlType: number;
  data: Uint8Array;
  /** Stored offset; by default tensors are packed in order, each aligned. */
  offset?: number;
}

export interface BuildOptions {
  version?: 1 | 2 | 3;
  kv?: [string, Val][];
  tensors?: BuildTensor[];
  /** Alignment used for layout (write general.alignment yourself to declare it). */
  alignment?: number;
  /** Bytes appended after the data (or after the header when there are no tensors). */
  tail?: number;
  /** Write the header and its padding only, no tensor data. */
  headerOnly?: boolean;
}

class Bytes {
  private buf = new Uint8Array(1024);
  len = 0;
  private view = new DataView(this.buf.buffer);
  private grow(n: number) {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  u8(v: number) { this.grow(1); this.view.setUint8(this.len, v); this.len += 1; }
  u32(v: number) { this.grow(4); this.view.setUint32(this.len, v, true); this.len += 4; }
  u64(v: bigint | number) { this.grow(8); this.view.setBigUint64(this.len, BigInt(v), true); this.len += 8; }
  raw(b: ArrayLike<number>) { this.grow(b.length); this.buf.set(b, this.len); this.len += b.length; }
  scalar(t: GgufValueType, v: number | bigint) {
    this.grow(8);
    const d = this.view, o = this.len;
    switch (t) {
      case 'uint8': d.setUint8(o, Number(v)); this.len += 1; break;
      case 'int8': d.setInt8(o, Number(v)); this.len += 1; break;
      case 'uint16': d.setUint16(o, Number(v), true); this.len += 2; break;
      case 'int16': d.setInt16(o, Number(v), true); this.len += 2; break;
      case 'uint32': d.setUint32(o, Number(v), true); this.len += 4; break;
      case 'int32': d.setInt32(o, Number(v), true); this.len += 4; break;
      case 'float32': d.setFloat32(o, Number(v), true); this.len += 4; break;
      case 'float64': d.setFloat64(o, Number(v), true); this.len += 8; break;
      case 'uint64': d.setBigUint64(o, BigInt(v), true); this.len += 8; break;
      case 'int64': d.setBigInt64(o, BigInt(v), true); this.len += 8; break;
      default: throw new Error(`not a scalar: ${t}`);
    }
  }
  pad(a: number) { while (this.len % a) this.u8(0); }
  done(): Uint8Array<ArrayBuffer> { return this.buf.slice(0, this.len); }
}

const enc = new TextEncoder();
const typeCode = (t: GgufValueType): number => GGUF_VALUE_TYPES.indexOf(t);

export function buildGguf(o: BuildOptions = {}): Uint8Array<ArrayBuffer> {
  const version = o.version ?? 3;
  const align = o.alignment ?? 32;
  const b = new Bytes();
  const count = (n: number | bigint) => (version === 1 ? b.u32(Number(n)) : b.u64(n));
  const str = (s: string | Uint8Array) => { const x = typeof s === 'string' ? enc.encode(s) : s; count(x.length); b.raw(x); };
  const value = (v: Val) => {
    if (v.t === 'raw-type') { b.raw(v.bytes); return; }
    if (v.t === 'string') str(v.v);
    else if (v.t === 'bool') b.u8(Number(v.v));
    else if (v.t === 'array') { b.u32(typeCode(v.item)); count(v.v.length); v.v.forEach(value); }
    else b.scalar(v.t, v.v);
  };
  const tensors = o.tensors ?? [];
  b.raw([0x47, 0x47, 0x55, 0x46]);
  b.u32(version);
  count(tensors.length);
  count(o.kv?.length ?? 0);
  for (const [k, v] of o.kv ?? []) {
    str(k);
    b.u32(v.t === 'raw-type' ? v.code : typeCode(v.t));
    value(v);
  }
  let next = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    str(t.name);
    b.u32(t.ne.length);
    for (const n of t.ne) count(n);
    b.u32(t.ggmlType);
    const off = t.offset ?? next;
    offsets.push(off);
    b.u64(off);
    next = Math.ceil((off + t.data.length) / align) * align;
  }
  if (tensors.length) {
    b.pad(align);
    if (o.headerOnly) return b.done();
    const end = Math.max(...tensors.map((t, i) => offsets[i]! + t.data.length));
    const data = new Uint8Array(end);
    tensors.forEach((t, i) => data.set(t.data, offsets[i]!));
    b.raw(data);
  }
  for (let i = 0; i < (o.tail ?? 0); i++) b.u8(0);
  return b.done();
}

// ---------------------------------------------------------------------------------------------------
// The walker

export type SpanKind =
  | 'version' | 'tensorCount' | 'kvCount' | 'keyLen' | 'valueType' | 'strLen' | 'arrayItemType' | 'arrayLen'
  | 'nameLen' | 'nDims' | 'dim' | 'tensorType' | 'tensorOffset' | 'alignmentValue';

export interface Span { kind: SpanKind; at: number; width: 4 | 8; what: string }
export interface WalkedTensor { name: string; offsetAt: number; offset: number; bytes: number; typeAt: number }
export interface Walk { spans: Span[]; headerEnd: number; dataOffset: number; tensors: WalkedTensor[]; version: number; alignment: number }

const SIZES: Record<string, number> = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, bool: 1, uint64: 8, int64: 8, float64: 8 };
/** Block size and bytes per block by ggml id, for the types the test files use. */
const GGML_SIZE: Record<number, [number, number]> = { 0: [1, 4], 1: [1, 2], 30: [1, 2], 2: [32, 18], 3: [32, 20], 6: [32, 22], 7: [32, 24], 8: [32, 34], 10: [256, 84], 11: [256, 110], 12: [256, 144], 13: [256, 176], 14: [256, 210], 15: [256, 292], 20: [32, 18], 23: [256, 136], 24: [1, 1], 26: [1, 4] };

export function walkGguf(buf: Uint8Array): Walk {
  const d = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let p = 4;
  const spans: Span[] = [];
  const version = d.getUint32(p, true);
  spans.push({ kind: 'version', at: p, width: 4, what: 'version' });
  p += 4;
  const w: 4 | 8 = version === 1 ? 4 : 8;
  const cnt = (kind: SpanKind, what: string): number => {
    spans.push({ kind, at: p, width: w, what });
    const v = w === 4 ? d.getUint32(p, true) : Number(d.getBigUint64(p, true));
    p += w;
    return v;
  };
  const str = (kind: SpanKind, what: string): string => {
    const n = cnt(kind, what);
    const s = new TextDecoder().decode(buf.subarray(p, p + n));
    p += n;
    return s;
  };
  const nT = cnt('tensorCount', 'tensor count');
  const nKv = cnt('kvCount', 'kv count');
  let alignment = 32;
  const val = (t: string, key: string) => {
    if (t === 'string') { str('strLen', key); return; }
    if (t === 'array') {
      spans.push({ kind: 'arrayItemType', at: p, width: 4, what: key });
      const it = GGUF_VALUE_TYPES[d.getUint32(p, true)]!;
      p += 4;
      const n = cnt('arrayLen', key);
      if (SIZES[it]) { p += n * SIZES[it]!; return; }
      for (let i = 0; i < n; i++) val(it, key);
      return;
    }
    p += SIZES[t]!;
  };
  for (let i = 0; i < nKv; i++) {
    const key = str('keyLen', `key ${i}`);
    spans.push({ kind: 'valueType', at: p, width: 4, what: key });
    const t = GGUF_VALUE_TYPES[d.getUint32(p, true)]!;
    p += 4;
    if (key === 'general.alignment') { spans.push({ kind: 'alignmentValue', at: p, width: 4, what: key }); alignment = d.getUint32(p, true); }
    val(t, key);
  }
  const tensors: WalkedTensor[] = [];
  for (let i = 0; i < nT; i++) {
    const name = str('nameLen', `tensor ${i}`);
    spans.push({ kind: 'nDims', at: p, width: 4, what: name });
    const nd = d.getUint32(p, true);
    p += 4;
    let elems = 1;
    for (let j = 0; j < nd; j++) elems *= cnt('dim', name);
    const typeAt = p;
    spans.push({ kind: 'tensorType', at: p, width: 4, what: name });
    const type = d.getUint32(p, true);
    p += 4;
    const offsetAt = p;
    spans.push({ kind: 'tensorOffset', at: p, width: 8, what: name });
    const offset = Number(d.getBigUint64(p, true));
    p += 8;
    const [bs, bpb] = GGML_SIZE[type] ?? [1, 0];
    tensors.push({ name, offsetAt, offset, bytes: (elems / bs) * bpb, typeAt });
  }
  return { spans, headerEnd: p, dataOffset: Math.ceil(p / alignment) * alignment, tensors, version, alignment };
}

export { mulberry32 } from '../helpers/prng.js';
