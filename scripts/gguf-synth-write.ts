/**
 * A small streaming GGUF v3 writer for synthetic models: the header is built in memory, tensor data is
 * produced one tensor (and one chunk) at a time and written at its offset, so a multi-gigabyte file
 * never sits in memory. With `sparse`, no tensor data is written at all: the file is extended to its
 * full size, which file systems store as a hole (all zeros), for header-only tests of huge files.
 */
import { open } from 'node:fs/promises';

export type KvValue =
  | { type: 'string'; value: string }
  | { type: 'uint32' | 'int32' | 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'array'; item: 'string'; value: string[] }
  | { type: 'array'; item: 'float32' | 'int32'; value: ArrayLike<number> };

export interface TensorDecl {
  name: string;
  /** ggml dims, innermost first. */
  ne: number[];
  ggmlType: number;
  byteLength: number;
  /** Fills `out` with bytes [offset, offset + out.length) of the tensor's data. */
  fill(out: Uint8Array, offset: number): void;
}

const VT = { uint8: 0, int8: 1, uint16: 2, int16: 3, uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;
const ALIGN = 32;
const enc = new TextEncoder();

class Out {
  buf = new Uint8Array(1 << 16);
  len = 0;
  private grow(n: number): DataView {
    if (this.len + n > this.buf.length) {
      const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
      b.set(this.buf.subarray(0, this.len));
      this.buf = b;
    }
    return new DataView(this.buf.buffer, this.len, n);
  }
  u32(v: number) { this.grow(4).setUint32(0, v, true); this.len += 4; }
  i32(v: number) { this.grow(4).setInt32(0, v, true); this.len += 4; }
  f32(v: number) { this.grow(4).setFloat32(0, v, true); this.len += 4; }
  u64(v: number) { this.grow(8).setBigUint64(0, BigInt(v), true); this.len += 8; }
  u8(v: number) { this.grow(1).setUint8(0, v); this.len += 1; }
  str(s: string) {
    const b = enc.encode(s);
    this.u64(b.length);
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
}

export interface GgufLayout {
  header: Uint8Array;
  /** Absolute file offset of each tensor's data, in declaration order. */
  offsets: number[];
  size: number;
}

export function layoutGguf(kv: ReadonlyMap<string, KvValue>, tensors: readonly TensorDecl[]): GgufLayout {
  const o = new Out();
  o.u32(0x46554747);
  o.u32(3);
  o.u64(tensors.length);
  o.u64(kv.size);
  for (const [key, v] of kv) {
    o.str(key);
    o.u32(VT[v.type]);
    switch (v.type) {
      case 'string': o.str(v.value); break;
      case 'uint32': o.u32(v.value); break;
      case 'int32': o.i32(v.value); break;
      case 'float32': o.f32(v.value); break;
      case 'bool': o.u8(v.value ? 1 : 0); break;
      case 'array':
        o.u32(VT[v.item]);
        o.u64(v.value.length);
        for (let i = 0; i < v.value.length; i++) {
          if (v.item === 'string') o.str((v.value as string[])[i]!);
          else if (v.item === 'float32') o.f32(v.value[i] as number);
          else o.i32(v.value[i] as number);
        }
        break;
    }
  }
  const rel: number[] = [];
  let at = 0;
  for (const t of tensors) {
    o.str(t.name);
    o.u32(t.ne.length);
    for (const d of t.ne) o.u64(d);
    o.u32(t.ggmlType);
    o.u64(at);
    rel.push(at);
    at += Math.ceil(t.byteLength / ALIGN) * ALIGN;
  }
  const dataStart = Math.ceil(o.len / ALIGN) * ALIGN;
  const header = new Uint8Array(dataStart);
  header.set(o.buf.subarray(0, o.len));
  const last = tensors.length ? rel[rel.length - 1]! + tensors[tensors.length - 1]!.byteLength : 0;
  return { header, offsets: rel.map((r) => dataStart + r), size: dataStart + last };
}

/** The whole file in memory (small models, tests). */
export function ggufBytes(kv: ReadonlyMap<string, KvValue>, tensors: readonly TensorDecl[]): Uint8Array {
  const l = layoutGguf(kv, tensors);
  const out = new Uint8Array(l.size);
  out.set(l.header);
  tensors.forEach((t, i) => t.fill(out.subarray(l.offsets[i]!, l.offsets[i]! + t.byteLength), 0));
  return out;
}

/** Writes the file at `path`, a chunk at a time; `sparse` writes the header only and a hole for the data. */
export async function writeGguf(path: string, kv: ReadonlyMap<string, KvValue>, tensors: readonly TensorDecl[], opts: { sparse?: boolean; onTensor?: (name: string) => void } = {}): Promise<number> {
  const l = layoutGguf(kv, tensors);
  const fh = await open(path, 'w');
  try {
    await fh.write(l.header, 0, l.header.length, 0);
    if (opts.sparse) {
      await fh.truncate(l.size);
      return l.size;
    }
    const chunk = new Uint8Array(4 << 20);
    for (const [i, t] of tensors.entries()) {
      for (let off = 0; off < t.byteLength; off += chunk.length) {
        const part = chunk.subarray(0, Math.min(chunk.length, t.byteLength - off));
        t.fill(part, off);
        await fh.write(part, 0, part.length, l.offsets[i]! + off);
      }
      opts.onTensor?.(t.name);
    }
    await fh.truncate(l.size);
    return l.size;
  } finally {
    await fh.close();
  }
}
