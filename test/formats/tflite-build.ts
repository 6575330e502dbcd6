/**
 * A tiny FlatBuffer writer and a TFLite model builder, for handcrafted-model tests. It writes front to
 * back (a parent table, then its children, whose unsigned offsets point forward), which any FlatBuffer
 * reader accepts. Tables are arrays indexed by schema field number.
 */

export type Scalar = 'u8' | 'i8' | 'i32' | 'u32' | 'f32' | 'i64' | 'u64';
export type FbValue =
  | { s: Scalar; v: number }
  | { table: FbTable }
  | { str: string }
  | { vec: Scalar; v: readonly number[]; align?: number }
  | { tables: readonly FbTable[] };
export type FbTable = readonly (FbValue | undefined)[];

const SIZE: Record<Scalar, number> = { u8: 1, i8: 1, i32: 4, u32: 4, f32: 4, i64: 8, u64: 8 };

class Writer {
  buf = new Uint8Array(1 << 12);
  dv = new DataView(this.buf.buffer);
  len = 0;
  private ensure(n: number) {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf);
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }
  align(a: number) { while (this.len % a) this.put('u8', 0); }
  put(s: Scalar, v: number, at?: number) {
    const p = at ?? this.len;
    if (at === undefined) { this.ensure(SIZE[s]); this.len += SIZE[s]; }
    switch (s) {
      case 'u8': this.dv.setUint8(p, v); break;
      case 'i8': this.dv.setInt8(p, v); break;
      case 'i32': this.dv.setInt32(p, v, true); break;
      case 'u32': this.dv.setUint32(p, v, true); break;
      case 'f32': this.dv.setFloat32(p, v, true); break;
      case 'i64': this.dv.setBigInt64(p, BigInt(v), true); break;
      case 'u64': this.dv.setBigUint64(p, BigInt(v), true); break;
    }
    return p;
  }
  /** Writes the object a field points to and patches the field's u32 offset. */
  child(fieldAt: number, v: FbValue) {
    const at = this.object(v);
    this.put('u32', at - fieldAt, fieldAt);
  }
  object(v: FbValue): number {
    if ('table' in v) return this.table(v.table);
    if ('str' in v) {
      const bytes = new TextEncoder().encode(v.str);
      this.align(4);
      const at = this.put('u32', bytes.length);
      for (const b of bytes) this.put('u8', b);
      this.put('u8', 0);
      return at;
    }
    if ('vec' in v) {
      const el = SIZE[v.vec];
      // The length sits just before the elements: align the elements, not the length.
      while ((this.len + 4) % Math.max(el, v.align ?? 4)) this.put('u8', 0);
      const at = this.put('u32', v.v.length);
      for (const x of v.v) this.put(v.vec, x);
      return at;
    }
    if ('tables' in v) {
      this.align(4);
      const at = this.put('u32', v.tables.length);
      const slots = v.tables.map(() => this.put('u32', 0));
      v.tables.forEach((t, i) => this.child(slots[i]!, { table: t }));
      return at;
    }
    throw new Error('not an object');
  }
  table(fields: FbTable): number {
    const inline = fields.map((f) => (f === undefined ? 0 : 's' in f ? SIZE[f.s] : 4));
    const offsets: number[] = [];
    let size = 4;
    inline.forEach((n, i) => {
      if (!n) { offsets[i] = 0; return; }
      while (size % n) size++;
      offsets[i] = size;
      size += n;
    });
    this.align(2);
    const vt = this.len;
    this.put('u8', 0); this.put('u8', 0);
    this.put('u8', 0); this.put('u8', 0);
    for (let i = 0; i < fields.length; i++) { this.put('u8', 0); this.put('u8', 0); }
    this.dv.setUint16(vt, 4 + 2 * fields.length, true);
    this.dv.setUint16(vt + 2, size, true);
    offsets.forEach((o, i) => this.dv.setUint16(vt + 4 + 2 * i, o, true));
    this.align(8);
    const at = this.len;
    this.ensure(size);
    this.len += size;
    this.buf.fill(0, at, at + size);
    this.put('i32', at - vt, at);
    const later: [number, FbValue][] = [];
    fields.forEach((f, i) => {
      if (f === undefined) return;
      if ('s' in f) this.put(f.s, f.v, at + offsets[i]!);
      else later.push([at + offsets[i]!, f]);
    });
    for (const [p, f] of later) this.child(p, f);
    return at;
  }
}

export function buildFlatBuffer(root: FbTable, identifier = 'TFL3'): Uint8Array {
  const w = new Writer();
  w.put('u32', 0);
  for (const c of identifier) w.put('u8', c.charCodeAt(0));
  const at = w.table(root);
  w.put('u32', at, 0);
  return w.buf.slice(0, w.len);
}

// ------------------------------------------------------------------ TFLite models

export interface TensorSpec { name: string; type?: number; shape: number[]; buffer?: number; scale?: number[]; zp?: number[]; axis?: number; signature?: number[]; variable?: boolean; sparsity?: FbTable }
export interface OpSpec { code: number; inputs: number[]; outputs: number[]; optionsType?: number; options?: FbTable; custom?: number[] }
export interface SubGraphSpec { name?: string; tensors: TensorSpec[]; inputs: number[]; outputs: number[]; ops: OpSpec[] }
export interface CodeSpec { builtin: number; custom?: string; deprecated?: number }
export interface ModelSpec {
  codes: CodeSpec[]; subgraphs: SubGraphSpec[];
  /** Buffer contents; buffer 0 (empty) is added in front. `{ offset, size }` stores data after the FlatBuffer. */
  buffers?: (number[] | { external: number[] })[];
  signatures?: { key: string; subgraph: number; inputs: [string, number][]; outputs: [string, number][] }[];
  metadata?: [string, number][];
}

const i32 = (v: number): FbValue => ({ s: 'i32', v });
const ints = (v: readonly number[]): FbValue => ({ vec: 'i32', v });

export function buildTflite(m: ModelSpec): Uint8Array {
  const tensor = (t: TensorSpec): FbTable => [
    ints(t.shape), { s: 'i8', v: t.type ?? 0 }, { s: 'u32', v: t.buffer ?? 0 }, { str: t.name },
    t.scale ? { table: [undefined, undefined, { vec: 'f32', v: t.scale }, { vec: 'i64', v: t.zp ?? t.scale.map(() => 0) }, undefined, undefined, i32(t.axis ?? 0)] } : undefined,
    t.variable ? { s: 'u8', v: 1 } : undefined, t.sparsity ? { table: t.sparsity } : undefined, t.signature ? ints(t.signature) : undefined,
  ];
  const op = (o: OpSpec): FbTable => [
    { s: 'u32', v: o.code }, ints(o.inputs), ints(o.outputs), o.optionsType ? { s: 'u8', v: o.optionsType } : undefined,
    o.options ? { table: o.options } : undefined, o.custom ? { vec: 'u8', v: o.custom } : undefined,
  ];
  const buffers = m.buffers ?? [];
  const external: { at: number; data: number[] }[] = [];
  const bufferTables: FbTable[] = [[], ...buffers.map((b): FbTable => {
    if (Array.isArray(b)) return [{ vec: 'u8', v: b, align: 16 }];
    external.push({ at: -1, data: b.external });
    return [undefined, { s: 'u64', v: 0xdead }, { s: 'u64', v: b.external.length }];
  })];
  const root: FbTable = [
    { s: 'u32', v: 3 },
    { tables: m.codes.map((c): FbTable => [{ s: 'i8', v: c.deprecated ?? Math.min(c.builtin, 127) }, c.custom ? { str: c.custom } : undefined, i32(1), i32(c.builtin)]) },
    { tables: m.subgraphs.map((g): FbTable => [{ tables: g.tensors.map(tensor) }, ints(g.inputs), ints(g.outputs), { tables: g.ops.map(op) }, { str: g.name ?? '' }]) },
    { str: 'kiln test model' },
    { tables: bufferTables },
    undefined,
    m.metadata ? { tables: m.metadata.map(([name, buffer]): FbTable => [{ str: name }, { s: 'u32', v: buffer }]) } : undefined,
    m.signatures ? {
      tables: m.signatures.map((s): FbTable => [
        { tables: s.inputs.map(([n, t]): FbTable => [{ str: n }, { s: 'u32', v: t }]) },
        { tables: s.outputs.map(([n, t]): FbTable => [{ str: n }, { s: 'u32', v: t }]) },
        { str: s.key }, undefined, { s: 'u32', v: s.subgraph },
      ]),
    } : undefined,
  ];
  let bytes = buildFlatBuffer(root);
  if (external.length) {
    // Append each external buffer and patch the placeholder offset (0xdead) that names it.
    const dv = new DataView(bytes.buffer);
    const parts = [bytes];
    let end = bytes.length;
    for (const e of external) {
      let p = 0;
      while (!(dv.getUint32(p, true) === 0xdead && dv.getUint32(p + 4, true) === 0)) p++;
      dv.setUint32(p, end, true);
      parts.push(Uint8Array.from(e.data));
      end += e.data.length;
    }
    const out = new Uint8Array(end);
    let o = 0;
    for (const part of parts) { out.set(part, o); o += part.length; }
    bytes = out;
  }
  return bytes;
}

/** Little-endian bytes of float32 / int32 / int64 values, for buffers. */
export const f32Bytes = (v: readonly number[]): number[] => Array.from(new Uint8Array(Float32Array.from(v).buffer));
export const i32Bytes = (v: readonly number[]): number[] => Array.from(new Uint8Array(Int32Array.from(v).buffer));
export const i8Bytes = (v: readonly number[]): number[] => Array.from(new Uint8Array(Int8Array.from(v).buffer));
