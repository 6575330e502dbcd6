/**
 * The GGUF header reader.
 *
 * GGUF in brief (all little-endian):
 *   magic "GGUF" · version u32 (1, 2 or 3) · tensor count · metadata count
 *   metadata: count × (key string · value type u32 · value)
 *   tensor infos: count × (name string · n_dims u32 · n_dims dims · ggml type u32 · data offset u64)
 *   padding to `general.alignment` (default 32) · tensor data
 * Version 1 stores the two counts, every string and array length, and the dims as u32; versions 2 and 3
 * use u64 (v3 only added big-endian files, which announce themselves by a byte-swapped version and are
 * refused here). A string is a length and UTF-8 bytes, no terminator. Dims are innermost first (ggml's
 * ne[0] is the row length), so Kiln's row-major shape is the dims reversed. Block-quantized types pack
 * `blockSize` values of a row into `bytesPerBlock` bytes, so ne[0] must be a multiple of the block size.
 * A tensor's offset is relative to the start of the data section, which begins at the first multiple of
 * the alignment after the tensor infos; every offset must itself be a multiple of the alignment.
 *
 * What the reader refuses, each with KilnError('E_MODEL_MALFORMED') and the byte offset: a bad magic or
 * version, truncation anywhere, counts and lengths that cannot fit in the bytes left, unknown value types,
 * arrays nested too deep, duplicate keys or tensor names, an alignment that is not a power of two, more
 * than 4 dims, element counts past 2^53, a row length not a multiple of the block size, and tensor data
 * that is misaligned, overlapping another tensor, or running past the end of the file.
 */
import { KilnError } from '../../engine/errors.js';
import { DTYPES, dtypeFromGgml, type DType } from '../../engine/ir/dtype.js';
import { Cursor } from './cursor.js';
import { minEncodedSize, readValue, readValueType, type GgufEntry } from './values.js';

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_DEFAULT_ALIGNMENT = 32;
export const GGUF_MAX_DIMS = 4;

export interface GgufTensorInfo {
  readonly name: string;
  /** ggml's dims, innermost (row length) first. */
  readonly ne: readonly number[];
  /** Row-major shape, outermost first: `ne` reversed. */
  readonly shape: readonly number[];
  readonly type: DType;
  readonly ggmlType: number;
  readonly elements: number;
  readonly byteLength: number;
  /** Offset inside the data section, as stored. */
  readonly offset: number;
  /** Absolute offset of the data in its file. */
  readonly fileOffset: number;
  /** Which file of a split model holds the data (0 for single files). */
  readonly shard: number;
}

export interface GgufHeader {
  readonly version: number;
  readonly entries: Map<string, GgufEntry>;
  readonly tensors: GgufTensorInfo[];
  readonly alignment: number;
  /** Absolute offset of the data section. */
  readonly dataOffset: number;
}

/** True when the bytes start with the GGUF magic. */
export function looksLikeGguf(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && bytes[0] === 0x47 && bytes[1] === 0x47 && bytes[2] === 0x55 && bytes[3] === 0x46;
}

/**
 * Parses the header from `buf`, the first bytes of a file of `fileSize` bytes. Throws NeedMoreBytes
 * when the header runs past `buf` but not past the file.
 */
export function parseHeader(buf: Uint8Array, fileSize: number, fileName: string, shard = 0): GgufHeader {
  const cur = new Cursor(buf, fileSize, fileName);
  const magic = cur.u32('magic');
  if (magic !== GGUF_MAGIC) cur.fail(`not a GGUF file: magic is 0x${magic.toString(16).padStart(8, '0')}, expected "GGUF"`, 0);
  const versionAt = cur.pos;
  const version = cur.u32('version');
  if (version !== 0 && (version & 0xffff) === 0) {
    throw new KilnError('E_TYPE_UNSUPPORTED', `GGUF ${fileName}: big-endian GGUF files are not supported (version field 0x${version.toString(16)}) at byte ${versionAt}`, { offset: versionAt });
  }
  if (version < 1 || version > 3) cur.fail(`GGUF version ${version} is not 1, 2 or 3`, versionAt);
  const w: 4 | 8 = version === 1 ? 4 : 8;

  const countAt = cur.pos;
  const nTensors = cur.count(w, 'tensor count');
  const nKv = cur.count(w, 'metadata count');
  // Each entry needs at least a key length, a type and a 1-byte value; each tensor info at least a
  // name length, n_dims, type and offset. Counts that cannot fit are refused before any loop runs.
  if (nKv * (w + 4 + 1) + nTensors * (w + 4 + 4 + 8) > cur.remaining) {
    cur.fail(`${nTensors} tensors and ${nKv} metadata entries cannot fit in the ${cur.remaining} bytes left`, countAt);
  }

  const entries = new Map<string, GgufEntry>();
  for (let i = 0; i < nKv; i++) {
    const at = cur.pos;
    const key = cur.string(w, `key of metadata entry ${i}`);
    if (entries.has(key)) cur.fail(`duplicate metadata key '${key}'`, at, { key });
    const type = readValueType(cur, 'value type', key);
    if (minEncodedSize(type, w) > cur.remaining) cur.fail(`value of '${key}' runs past the end of the file`, cur.pos, { key });
    const value = readValue(cur, type, w, key);
    entries.set(key, { key, type, value, offset: at });
  }

  const alignment = readAlignment(cur, entries);
  const infos: RawInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < nTensors; i++) {
    const info = readTensorInfo(cur, w, i);
    if (names.has(info.name)) cur.fail(`duplicate tensor name '${info.name}'`, info.at, { tensor: info.name });
    names.add(info.name);
    infos.push(info);
  }
  const dataOffset = alignUp(cur.pos, alignment);
  const tensors = layOut(cur, infos, dataOffset, alignment, shard);
  return { version, entries, tensors, alignment, dataOffset };
}

const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;

function readAlignment(cur: Cursor, entries: Map<string, GgufEntry>): number {
  const e = entries.get('general.alignment');
  if (!e) return GGUF_DEFAULT_ALIGNMENT;
  const v = e.value;
  if (e.type !== 'uint32' || typeof v !== 'number' || v === 0 || (v & (v - 1)) !== 0) {
    cur.fail(`general.alignment must be a uint32 power of two, got ${String(v)} (${e.type})`, e.offset, { key: 'general.alignment' });
  }
  return v;
}

interface RawInfo {
  name: string;
  ne: number[];
  type: DType;
  ggmlType: number;
  elements: number;
  byteLength: number;
  offset: number;
  /** Where the info starts, and where its offset field is, for messages. */
  at: number;
  offsetAt: number;
}

function readTensorInfo(cur: Cursor, w: 4 | 8, index: number): RawInfo {
  const at = cur.pos;
  const name = cur.string(w, `name of tensor ${index}`);
  const d = { tensor: name };
  const nDimsAt = cur.pos;
  const nDims = cur.u32(`n_dims of tensor '${name}'`);
  if (nDims > GGUF_MAX_DIMS) cur.fail(`tensor '${name}' has ${nDims} dims (at most ${GGUF_MAX_DIMS})`, nDimsAt, d);
  const ne: number[] = [];
  let elements = 1;
  for (let j = 0; j < nDims; j++) {
    const dimAt = cur.pos;
    const n = cur.count(w, `dim ${j} of tensor '${name}'`, d);
    if (n !== 0 && elements > Number.MAX_SAFE_INTEGER / n) cur.fail(`tensor '${name}' has more than 2^53 elements`, dimAt, d);
    elements *= n;
    ne.push(n);
  }
  const typeAt = cur.pos;
  const ggmlType = cur.u32(`type of tensor '${name}'`);
  const type = dtypeFromGgml(ggmlType);
  if (type === undefined) {
    throw new KilnError('E_TYPE_UNSUPPORTED', `GGUF ${cur.fileName}: tensor '${name}' has ggml type ${ggmlType}, which Kiln does not know, at byte ${typeAt}`, { offset: typeAt, tensor: name, ggmlType });
  }
  const info = DTYPES[type];
  if (info.blockSize > 1 && (ne[0] ?? 1) % info.blockSize !== 0) {
    cur.fail(`tensor '${name}' of type ${type} has rows of ${ne[0] ?? 1} values, not a multiple of its block size ${info.blockSize}`, typeAt, d);
  }
  const byteLength = (elements / info.blockSize) * info.bytesPerBlock;
  const offsetAt = cur.pos;
  const offset = cur.count(8, `data offset of tensor '${name}'`, d);
  return { name, ne, type, ggmlType, elements, byteLength, offset, at, offsetAt };
}

/** Places every tensor: aligned, inside the file, and not overlapping any other. */
function layOut(cur: Cursor, infos: RawInfo[], dataOffset: number, alignment: number, shard: number): GgufTensorInfo[] {
  const out: GgufTensorInfo[] = [];
  for (const t of infos) {
    const d = { tensor: t.name };
    if (t.offset % alignment !== 0) cur.fail(`tensor '${t.name}' data offset ${t.offset} is not a multiple of the alignment ${alignment}`, t.offsetAt, d);
    const fileOffset = dataOffset + t.offset;
    if (fileOffset + t.byteLength > cur.fileSize) {
      cur.fail(`tensor '${t.name}' data (${t.byteLength} bytes at file offset ${fileOffset}) runs past the end of the file (${cur.fileSize} bytes)`, t.offsetAt, d);
    }
    out.push({
      name: t.name, ne: t.ne, shape: [...t.ne].reverse(), type: t.type, ggmlType: t.ggmlType, elements: t.elements,
      byteLength: t.byteLength, offset: t.offset, fileOffset, shard,
    });
  }
  const byStart = infos.map((t, i) => ({ t, i })).filter(({ t }) => t.byteLength > 0).sort((a, b) => a.t.offset - b.t.offset);
  for (let k = 1; k < byStart.length; k++) {
    const prev = byStart[k - 1]!.t;
    const next = byStart[k]!.t;
    if (next.offset < prev.offset + prev.byteLength) {
      cur.fail(`tensor '${next.name}' data (offset ${next.offset}) overlaps tensor '${prev.name}' (offset ${prev.offset}, ${prev.byteLength} bytes)`, next.offsetAt, { tensor: next.name });
    }
  }
  return out;
}
