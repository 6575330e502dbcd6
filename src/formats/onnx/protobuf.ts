/**
 * A minimal, defensive protobuf wire-format reader.
 *
 * Protobuf in brief: a message is a run of fields; each starts with a varint key = (field << 3) | wire type.
 * Wire types: 0 varint, 1 fixed 64-bit, 2 length-delimited (bytes, strings, sub-messages, packed
 * repeated scalars), 5 fixed 32-bit (3/4 are obsolete groups). Repeated scalars may come packed (one
 * length-delimited field) or unpacked (one field per element); readers must accept both.
 *
 * Every read is bounds-checked against the end of the enclosing message, so a sub-message can never run
 * past its parent; every failure is a KilnError('E_MODEL_MALFORMED') naming the field and byte offset.
 * Allocation is charged to a budget proportional to the input size, so no field can make the reader
 * allocate much more than the file it reads.
 */
import { AllocationBudget } from '../../engine/budget.js';
import { KilnError } from '../../engine/errors.js';

export { AllocationBudget };

export const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;
const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'group-start', 'group-end', 'fixed32', '6', '7'];


const utf8 = new TextDecoder('utf-8', { fatal: false });

export class ProtoReader {
  pos: number;
  /** Where the last key started, for wire-type errors. */
  keyAt = 0;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    readonly start: number,
    readonly end: number,
    /** The message type being read, e.g. "GraphProto", for error messages. */
    readonly msgName: string,
    readonly budget: AllocationBudget,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  static of(buf: Uint8Array, message: string, budget = AllocationBudget.forFile(buf.byteLength)): ProtoReader {
    return new ProtoReader(buf, 0, buf.byteLength, message, budget);
  }

  fail(what: string, at = this.pos, field?: string): never {
    const where = field ? `${this.msgName}.${field}` : this.msgName;
    throw new KilnError('E_MODEL_MALFORMED', `${where}: ${what} at byte ${at}`, { offset: at, field: where });
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a varint as a JS number. Values beyond 2^53 lose precision; use varintBig for exact int64. */
  varint(field?: string): number {
    const at = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint', at, field);
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (!(b & 0x80)) return result;
      mul *= 128;
    }
    return this.fail('varint longer than 10 bytes', at, field);
  }

  /** A varint read exactly, as a signed 64-bit integer (two's complement). */
  varintBig(field?: string): bigint {
    const at = this.pos;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint', at, field);
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    return this.fail('varint longer than 10 bytes', at, field);
  }

  /** A varint interpreted as int64 and converted to a number (negative values come out right). */
  int64(field?: string): number {
    const at = this.pos;
    const v = this.varint(field);
    if (v < 2 ** 53) return v;
    this.pos = at;
    return Number(this.varintBig(field));
  }

  /** int32 fields encode negatives as 10-byte varints. */
  int32(field?: string): number {
    return this.int64(field) | 0;
  }

  /** Reads the next key. Returns [fieldNumber, wireType]. */
  key(): [number, number] {
    const at = this.pos;
    this.keyAt = at;
    const k = this.varint('key');
    const field = Math.floor(k / 8);
    const wire = k & 7;
    if (field === 0) this.fail('field number 0 is not allowed', at);
    if (wire === 3 || wire === 4 || wire > 5) this.fail(`unsupported wire type ${WIRE_NAMES[wire]} for field ${field}`, at);
    return [field, wire];
  }

  /** Checks that a known field came with the wire type its declaration needs. */
  expect(wire: number, want: number, field: string): void {
    if (wire !== want) this.fail(`wrong wire type ${WIRE_NAMES[wire]} (expected ${WIRE_NAMES[want]})`, this.keyAt, field);
  }

  skip(wire: number): void {
    const at = this.pos;
    switch (wire) {
      case WIRE.VARINT: this.varint(); return;
      case WIRE.I64: this.advance(8, at, 'fixed64'); return;
      case WIRE.I32: this.advance(4, at, 'fixed32'); return;
      case WIRE.LEN: { const n = this.length('skipped field'); this.advance(n, at, 'skipped field'); return; }
      default: this.fail(`cannot skip wire type ${wire}`, at);
    }
  }

  private advance(n: number, at: number, field: string): void {
    if (n > this.end - this.pos) this.fail(`length ${n} runs past the end of the enclosing message (${this.end - this.pos} bytes left)`, at, field);
    this.pos += n;
  }

  /** A length prefix, checked against the bytes left in this message. */
  length(field: string): number {
    const at = this.pos;
    const n = this.varint(field);
    if (n > this.end - this.pos) this.fail(`length ${n} runs past the end of the enclosing message (${this.end - this.pos} bytes left)`, at, field);
    return n;
  }

  /** Length-delimited bytes as a view into the input (no copy). */
  bytes(field: string): Uint8Array {
    const n = this.length(field);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  string(field: string): string {
    const at = this.pos;
    const b = this.bytes(field);
    this.budget.charge(2 * b.length + 16, at, field);
    return utf8.decode(b);
  }

  /** A reader for an embedded message, bounded by its length prefix. */
  message(field: string, name: string): ProtoReader {
    const n = this.length(field);
    this.budget.charge(64, this.pos, field);
    const r = new ProtoReader(this.buf, this.pos, this.pos + n, name, this.budget);
    this.pos += n;
    return r;
  }

  float32(field: string): number {
    this.advanceCheck(4, field);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  float64(field: string): number {
    this.advanceCheck(8, field);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  fixed64Big(field: string): bigint {
    this.advanceCheck(8, field);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  private advanceCheck(n: number, field: string): void {
    if (this.end - this.pos < n) this.fail(`truncated ${n}-byte value`, this.pos, field);
  }

  /**
   * Appends a repeated scalar field (packed or not) to `out`. `one` reads a single element for the
   * element's own wire type `elemWire`.
   */
  repeated<T>(wire: number, elemWire: number, field: string, out: T[], one: (r: ProtoReader) => T, elemBytes: number): void {
    if (wire === WIRE.LEN) {
      const n = this.length(field);
      const end = this.pos + n;
      this.budget.charge(n * Math.max(1, elemBytes), this.pos, field);
      const sub = new ProtoReader(this.buf, this.pos, end, this.msgName, this.budget);
      while (!sub.done) out.push(one(sub));
      this.pos = end;
    } else {
      this.expect(wire, elemWire, field);
      this.budget.charge(elemBytes, this.pos, field);
      out.push(one(this));
    }
  }
}
