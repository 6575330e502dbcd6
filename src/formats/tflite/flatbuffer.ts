/**
 * A minimal, defensive FlatBuffers reader (the wire format only; the TFLite schema is in schema.ts).
 *
 * FlatBuffers in brief: the file starts with a u32 offset to the root table (and, for TFLite, the
 * 4-byte file identifier "TFL3" at bytes 4..8). A table starts with an i32 `soffset`; its vtable sits at
 * `table - soffset` and holds u16 vtable size, u16 table size, then one u16 per field: the field's
 * offset inside the table, 0 when the field is absent (its default applies). Scalars sit inline.
 * Strings, vectors and sub-tables are reached through a u32 offset stored in the field, relative to the
 * field's own position. A vector is a u32 element count followed by the elements; a vector of tables
 * holds one u32 offset per element, relative to that element. A union is two fields: a u8 type tag and
 * an offset to the table of that type.
 *
 * Every position is checked against the buffer before it is read, so no offset can send the reader
 * outside the file; every failure is a KilnError('E_MODEL_MALFORMED') naming the table, the field and
 * the byte offset. Everything the reader allocates is charged to a budget proportional to the file
 * size: FlatBuffers may share one vector among many tables, so reading each reference in turn could
 * otherwise expand a small file into a huge object tree.
 */
import { AllocationBudget } from '../../engine/budget.js';
import { KilnError } from '../../engine/errors.js';

export { AllocationBudget };


const utf8 = new TextDecoder('utf-8', { fatal: false });

/** What a traced read was: an offset to follow, a vector/string length, a table's vtable offset, or a vtable slot. */
export type ReadKind = 'offset' | 'length' | 'soffset' | 'slot';

export class FlatBuffer {
  readonly view: DataView;
  readonly budget: AllocationBudget;
  /** Optional observer of structural reads (the malformed-model generator uses it to pick what to break). */
  trace?: (kind: ReadKind, at: number) => void;

  constructor(readonly bytes: Uint8Array, budget?: AllocationBudget) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.budget = budget ?? AllocationBudget.forFile(bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  fail(what: string, at: number, field?: string): never {
    throw new KilnError('E_MODEL_MALFORMED', `${field ? `${field}: ` : ''}${what} at byte ${at}`, { offset: at, field });
  }

  /** Throws unless `n` bytes at `at` lie inside the buffer. */
  need(at: number, n: number, field: string): void {
    if (!(at >= 0 && n >= 0 && at + n <= this.length)) this.fail(`${n}-byte read runs outside the ${this.length}-byte file`, at, field);
  }

  u8(at: number, f: string): number { this.need(at, 1, f); return this.view.getUint8(at); }
  i8(at: number, f: string): number { this.need(at, 1, f); return this.view.getInt8(at); }
  u16(at: number, f: string): number { this.need(at, 2, f); return this.view.getUint16(at, true); }
  i32(at: number, f: string): number { this.need(at, 4, f); return this.view.getInt32(at, true); }
  u32(at: number, f: string): number { this.need(at, 4, f); return this.view.getUint32(at, true); }
  f32(at: number, f: string): number { this.need(at, 4, f); return this.view.getFloat32(at, true); }
  i64(at: number, f: string): number { this.need(at, 8, f); return Number(this.view.getBigInt64(at, true)); }
  u64(at: number, f: string): number { this.need(at, 8, f); return Number(this.view.getBigUint64(at, true)); }

  /** The root table: the u32 at byte 0 points at it. */
  root(name: string): Table {
    const at = this.u32(0, `${name} root offset`);
    return new Table(this, at, name);
  }
}

type ScalarKind = 'u8' | 'i8' | 'u16' | 'i32' | 'u32' | 'f32' | 'i64' | 'u64';
const SIZE: Record<ScalarKind, number> = { u8: 1, i8: 1, u16: 2, i32: 4, u32: 4, f32: 4, i64: 8, u64: 8 };

/** One table: fields by their index in the schema (0-based, in declaration order). */
export class Table {
  private readonly vtable: number;
  private readonly vtSize: number;
  private readonly tSize: number;

  constructor(readonly fb: FlatBuffer, readonly pos: number, readonly name: string) {
    fb.trace?.('soffset', pos);
    const soff = fb.i32(pos, `${name} vtable offset`);
    const vt = pos - soff;
    this.vtable = vt;
    this.vtSize = fb.u16(vt, `${name} vtable size`);
    this.tSize = fb.u16(vt + 2, `${name} table size`);
    if (this.vtSize < 4 || this.vtSize % 2 !== 0) fb.fail(`vtable size ${this.vtSize} is not an even number ≥ 4`, vt, name);
    fb.need(vt, this.vtSize, `${name} vtable`);
    if (this.tSize < 4) fb.fail(`table size ${this.tSize} is smaller than its own vtable offset`, vt + 2, name);
    fb.need(pos, this.tSize, name);
    fb.budget.charge(64, pos, name);
  }

  private label(field: string): string {
    return `${this.name}.${field}`;
  }

  /** Absolute position of field `i`, or undefined when absent. Checks that it lies inside the table. */
  private at(i: number, size: number, field: string): number | undefined {
    const slot = 4 + 2 * i;
    if (slot + 2 > this.vtSize) return undefined;
    this.fb.trace?.('slot', this.vtable + slot);
    const off = this.fb.u16(this.vtable + slot, this.label(field));
    if (off === 0) return undefined;
    if (off + size > this.tSize) this.fb.fail(`field at table offset ${off} runs past the ${this.tSize}-byte table`, this.pos, this.label(field));
    return this.pos + off;
  }

  has(i: number): boolean {
    const slot = 4 + 2 * i;
    return slot + 2 <= this.vtSize && this.fb.u16(this.vtable + slot, this.name) !== 0;
  }

  scalar(i: number, kind: ScalarKind, field: string, def = 0): number {
    const p = this.at(i, SIZE[kind], field);
    return p === undefined ? def : this.fb[kind](p, this.label(field));
  }

  bool(i: number, field: string, def = false): boolean {
    const p = this.at(i, 1, field);
    return p === undefined ? def : this.fb.u8(p, this.label(field)) !== 0;
  }

  /** Follows the u32 offset in field `i`; undefined when the field is absent. */
  private target(i: number, field: string): number | undefined {
    const p = this.at(i, 4, field);
    if (p === undefined) return undefined;
    this.fb.trace?.('offset', p);
    const t = p + this.fb.u32(p, this.label(field));
    this.fb.need(t, 4, this.label(field));
    return t;
  }

  table(i: number, field: string, type: string): Table | undefined {
    const t = this.target(i, field);
    return t === undefined ? undefined : new Table(this.fb, t, type);
  }

  string(i: number, field: string): string | undefined {
    const t = this.target(i, field);
    if (t === undefined) return undefined;
    this.fb.trace?.('length', t);
    const n = this.fb.u32(t, this.label(field));
    this.fb.need(t + 4, n, this.label(field));
    this.fb.budget.charge(2 * n + 16, t, this.label(field));
    return utf8.decode(this.fb.bytes.subarray(t + 4, t + 4 + n));
  }

  /** Position and count of a vector of `elemSize`-byte elements, bounds-checked. */
  private vector(i: number, elemSize: number, field: string): { at: number; n: number } | undefined {
    const t = this.target(i, field);
    if (t === undefined) return undefined;
    this.fb.trace?.('length', t);
    const n = this.fb.u32(t, this.label(field));
    if (n * elemSize > this.fb.length - t - 4) this.fb.fail(`vector of ${n} × ${elemSize}-byte elements runs past the end of the file`, t, this.label(field));
    return { at: t + 4, n };
  }

  /** A vector of scalars as numbers (empty when absent). */
  scalars(i: number, kind: ScalarKind, field: string): number[] {
    const v = this.vector(i, SIZE[kind], field);
    if (!v) return [];
    this.fb.budget.charge(8 * v.n + 16, v.at, this.label(field));
    const out = new Array<number>(v.n);
    const read = this.fb[kind].bind(this.fb);
    for (let k = 0; k < v.n; k++) out[k] = read(v.at + k * SIZE[kind], this.label(field));
    return out;
  }

  /** A vector of bytes as a view into the file (no copy). */
  bytes(i: number, field: string): Uint8Array | undefined {
    const v = this.vector(i, 1, field);
    return v ? this.fb.bytes.subarray(v.at, v.at + v.n) : undefined;
  }

  /** A vector of tables (empty when absent). */
  tables(i: number, field: string, type: string): Table[] {
    const v = this.vector(i, 4, field);
    if (!v) return [];
    this.fb.budget.charge(8 * v.n + 16, v.at, this.label(field));
    const out: Table[] = [];
    for (let k = 0; k < v.n; k++) {
      const p = v.at + 4 * k;
      this.fb.trace?.('offset', p);
      out.push(new Table(this.fb, p + this.fb.u32(p, this.label(field)), type));
    }
    return out;
  }

  /** A vector of strings (empty when absent). */
  strings(i: number, field: string): string[] {
    const v = this.vector(i, 4, field);
    if (!v) return [];
    const out: string[] = [];
    for (let k = 0; k < v.n; k++) {
      const p = v.at + 4 * k;
      const s = p + this.fb.u32(p, this.label(field));
      const n = this.fb.u32(s, this.label(field));
      this.fb.need(s + 4, n, this.label(field));
      this.fb.budget.charge(2 * n + 16, s, this.label(field));
      out.push(utf8.decode(this.fb.bytes.subarray(s + 4, s + 4 + n)));
    }
    return out;
  }
}
