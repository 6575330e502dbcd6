/**
 * One bounds-checked cursor over the loaded prefix of a GGUF file. Every read checks the bytes it needs
 * first: past the end of the file it throws KilnError('E_MODEL_MALFORMED') with the byte offset; past the
 * end of the loaded prefix (but inside the file) it throws NeedMoreBytes, so a caller reading from a Blob
 * or URL can fetch a longer prefix and parse again. Offsets are absolute file offsets.
 */
import { KilnError, type KilnErrorDetails } from '../../engine/errors.js';

/** Internal signal: the header continues past the bytes loaded so far. */
export class NeedMoreBytes {
  constructor(readonly needed: number) {}
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export class Cursor {
  pos = 0;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    /** Size of the whole file; `buf` may hold only its first bytes. */
    readonly fileSize: number,
    /** File name for messages. */
    readonly fileName: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(message: string, at: number = this.pos, details: KilnErrorDetails = {}): never {
    throw new KilnError('E_MODEL_MALFORMED', `GGUF ${this.fileName}: ${message} at byte ${at}`, { offset: at, ...details });
  }

  /** Bytes left in the file after the cursor. */
  get remaining(): number {
    return this.fileSize - this.pos;
  }

  /** Checks that `n` more bytes exist (in the file, and in the loaded prefix). */
  need(n: number, what: string): void {
    const end = this.pos + n;
    if (end > this.fileSize) this.fail(`${what} needs ${n} bytes but the file ends ${this.fileSize - this.pos} bytes later`);
    if (end > this.buf.length) throw new NeedMoreBytes(end);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  i8(what: string): number {
    this.need(1, what);
    return this.view.getInt8(this.pos++);
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  i16(what: string): number {
    this.need(2, what);
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f32(what: string): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  u64(what: string): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  i64(what: string): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /**
   * A count or length stored in `width` bytes (4 in GGUF v1, 8 later), as a number. Counts beyond
   * 2^53 can never be satisfied by a real file, so they fail here, naming `what`.
   */
  count(width: 4 | 8, what: string, details?: KilnErrorDetails): number {
    const at = this.pos;
    if (width === 4) return this.u32(what);
    const v = this.u64(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} ${v} is impossibly large`, at, details);
    return Number(v);
  }

  /** `n` bytes as a view into the loaded prefix (no copy). */
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A copy of `n` bytes in a fresh, aligned buffer (for typed-array views of metadata arrays). */
  copy(n: number, what: string): ArrayBuffer {
    this.need(n, what);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out.buffer;
  }

  /** A length-prefixed UTF-8 string (invalid sequences become U+FFFD). */
  string(width: 4 | 8, what: string, details?: KilnErrorDetails): string {
    const at = this.pos;
    const n = this.count(width, `${what} length`, details);
    if (n > this.fileSize - this.pos) this.fail(`${what} length ${n} runs past the end of the file (${this.fileSize - this.pos} bytes left)`, at, details);
    this.need(n, what);
    const start = this.pos;
    this.pos += n;
    return decodeUtf8(this.buf, start, this.pos);
  }
}

/** UTF-8 → string, with a fast path for ASCII (most keys and many tokens). */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  if (end - start < 64) {
    let ascii = true;
    for (let i = start; i < end; i++) if (buf[i]! >= 0x80) { ascii = false; break; }
    if (ascii) return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  }
  return utf8.decode(buf.subarray(start, end));
}
