/**
 * GgufFile: a parsed GGUF model (one file or all files of a split model) with lazy access to tensor
 * data. In-memory sources hand tensor data out as views of the input; Blob, URL and path sources read
 * only the byte range of the tensor asked for.
 */
import { KilnError } from '../../engine/errors.js';
import { arrayClassOf, Tensor, type TensorData } from '../../engine/tensor.js';
import { NeedMoreBytes } from './cursor.js';
import { dequantize } from '../../engine/quant/index.js';
import { GgufMetadata } from './metadata.js';
import { parseHeader, type GgufHeader, type GgufTensorInfo } from './reader.js';
import { blobSource, bytesSource, pathSource, urlSource, type ByteSource, type UrlSourceOptions } from './source.js';
import { readSplitInfo, splitFileName } from './split.js';

export type GgufInput = Uint8Array | ArrayBuffer | Blob | URL | string | ByteSource;

export interface GgufOpenOptions extends UrlSourceOptions {
  /** Bytes read first for the header (default 2 MiB); more is read when the header is longer. */
  initialRead?: number;
}

export interface GgufShard {
  readonly name: string;
  readonly size: number;
  readonly version: number;
  readonly alignment: number;
  readonly dataOffset: number;
}

const isNode = (): boolean => typeof process !== 'undefined' && !!process.versions?.node;
const isSource = (x: unknown): x is ByteSource => typeof x === 'object' && x !== null && 'read' in x && 'size' in x;

async function toSource(input: GgufInput, opts: GgufOpenOptions): Promise<ByteSource> {
  if (isSource(input)) return input;
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return bytesSource(input);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return blobSource(input);
  const s = input instanceof URL ? input.href : String(input);
  if (/^(https?|blob|data):/i.test(s) || !isNode()) return urlSource(s, opts);
  if (s.startsWith('file:')) {
    const { fileURLToPath } = await import('node:url');
    return pathSource(fileURLToPath(s));
  }
  return pathSource(s);
}

async function readHeader(src: ByteSource, shard: number, initial: number): Promise<GgufHeader> {
  if (src.bytes) return parseHeader(src.bytes, src.size, src.name, shard);
  let buf = await src.read(0, Math.min(src.size, initial));
  for (;;) {
    try {
      return parseHeader(buf, src.size, src.name, shard);
    } catch (e) {
      if (!(e instanceof NeedMoreBytes)) throw e;
      const want = Math.min(src.size, Math.max(e.needed, buf.length * 2));
      const more = await src.read(buf.length, want - buf.length);
      const next = new Uint8Array(want);
      next.set(buf);
      next.set(more, buf.length);
      buf = next;
    }
  }
}

/**
 * Opens a GGUF model from bytes, a Blob/File, a URL, a path (Node) or a ByteSource. A split model is
 * found by its file names (NAME-00001-of-0000N.gguf next to each other), or given as an array of inputs
 * in order.
 */
export async function openGguf(input: GgufInput | readonly GgufInput[], opts: GgufOpenOptions = {}): Promise<GgufFile> {
  const initial = opts.initialRead ?? 2 << 20;
  const given = Array.isArray(input) ? await Promise.all(input.map((i) => toSource(i, opts))) : [await toSource(input as GgufInput, opts)];
  if (given.length === 0) throw new KilnError('E_INPUT_INVALID', 'openGguf needs at least one input');
  const first = given[0]!;
  const header0 = await readHeader(first, 0, initial);
  const split = readSplitInfo(new GgufMetadata(header0.entries), first.name);
  if (!split) {
    if (given.length > 1) throw new KilnError('E_INPUT_INVALID', `${given.length} inputs given, but '${first.name}' is not part of a split model`);
    return new GgufFile(header0.entries, [header0], [first]);
  }
  const sources: ByteSource[] = [];
  for (let i = 0; i < split.count; i++) {
    if (Array.isArray(input)) {
      if (given.length !== split.count) {
        throw new KilnError('E_EXTERNAL_DATA', `'${first.name}' is split ${split.count} ways but ${given.length} files were given`);
      }
      sources.push(given[i]!);
      continue;
    }
    const name = splitFileName(first.name, i, split.count);
    if (i === split.no) sources.push(first);
    else if (!name || !first.sibling) {
      throw new KilnError('E_EXTERNAL_DATA', `'${first.name}' is split ${split.count} ways; pass all of its files, in order, as an array`);
    } else sources.push(await first.sibling(name));
  }
  const headers: GgufHeader[] = [];
  for (const [i, src] of sources.entries()) {
    const h = src === first && i === split.no ? { ...header0, tensors: header0.tensors.map((t) => ({ ...t, shard: i })) } : await readHeader(src, i, initial);
    const s = readSplitInfo(new GgufMetadata(h.entries), src.name);
    if (!s || s.no !== i || s.count !== split.count) {
      throw new KilnError('E_MODEL_INVALID', `GGUF ${src.name}: expected split ${i + 1} of ${split.count}, found split.no=${s?.no ?? 'none'}, split.count=${s?.count ?? 'none'}`, { key: 'split.no' });
    }
    headers.push(h);
  }
  const file = new GgufFile(headers[0]!.entries, headers, sources);
  if (split.tensors !== undefined && split.tensors !== file.tensors.length) {
    throw new KilnError('E_MODEL_INVALID', `split model says split.tensors.count=${split.tensors} but its files hold ${file.tensors.length} tensors`, { key: 'split.tensors.count' });
  }
  return file;
}

/** Reads a single GGUF file held in memory, synchronously. Tensor data stays in `bytes` (views). */
export function readGguf(bytes: Uint8Array | ArrayBuffer, name = 'bytes'): GgufFile {
  const src = bytesSource(bytes, name);
  const h = parseHeader(src.bytes!, src.size, name);
  return new GgufFile(h.entries, [h], [src]);
}

export class GgufFile {
  readonly metadata: GgufMetadata;
  readonly tensors: readonly GgufTensorInfo[];
  readonly shards: readonly GgufShard[];
  private readonly byName = new Map<string, GgufTensorInfo>();

  constructor(entries: GgufHeader['entries'], headers: readonly GgufHeader[], private readonly sources: readonly ByteSource[]) {
    this.metadata = new GgufMetadata(entries);
    this.shards = headers.map((h, i) => ({ name: sources[i]!.name, size: sources[i]!.size, version: h.version, alignment: h.alignment, dataOffset: h.dataOffset }));
    const all: GgufTensorInfo[] = [];
    for (const h of headers) {
      for (const t of h.tensors) {
        if (this.byName.has(t.name)) {
          throw new KilnError('E_MODEL_MALFORMED', `tensor '${t.name}' appears in more than one file of the split model`, { tensor: t.name });
        }
        this.byName.set(t.name, t);
        all.push(t);
      }
    }
    this.tensors = all;
  }

  get version(): number {
    return this.shards[0]!.version;
  }

  get alignment(): number {
    return this.shards[0]!.alignment;
  }

  /** True when every file is in memory, so the *Sync accessors work. */
  get inMemory(): boolean {
    return this.sources.every((s) => s.bytes !== undefined);
  }

  hasTensor(name: string): boolean {
    return this.byName.has(name);
  }

  tensorInfo(name: string): GgufTensorInfo {
    const t = this.byName.get(name);
    if (!t) throw new KilnError('E_INPUT_INVALID', `the GGUF model has no tensor named '${name}'`, { tensor: name });
    return t;
  }

  /** The tensor's raw bytes as stored; a view of the input when it is in memory. */
  async tensorBytes(name: string): Promise<Uint8Array> {
    const t = this.tensorInfo(name);
    return this.sources[t.shard]!.read(t.fileOffset, t.byteLength);
  }

  tensorBytesSync(name: string): Uint8Array {
    const t = this.tensorInfo(name);
    const b = this.sources[t.shard]!.bytes;
    if (!b) throw new KilnError('E_INPUT_INVALID', `tensor '${name}' is not in memory; use the async tensorBytes()`, { tensor: name });
    return b.subarray(t.fileOffset, t.fileOffset + t.byteLength);
  }

  /** A Kiln Tensor of the stored type (block types stay packed), shape outermost first. */
  async tensor(name: string): Promise<Tensor> {
    return toTensor(this.tensorInfo(name), await this.tensorBytes(name));
  }

  tensorSync(name: string): Tensor {
    return toTensor(this.tensorInfo(name), this.tensorBytesSync(name));
  }

  /** The tensor as float32 values (row-major), dequantized by the reference dequantizers. */
  async dequantize(name: string): Promise<Float32Array> {
    const t = this.tensorInfo(name);
    return dequantize(t.type, await this.tensorBytes(name), t.elements, undefined, name);
  }

  dequantizeSync(name: string): Float32Array {
    const t = this.tensorInfo(name);
    return dequantize(t.type, this.tensorBytesSync(name), t.elements, undefined, name);
  }

  async close(): Promise<void> {
    for (const s of this.sources) await s.close?.();
  }
}

/** Wraps stored bytes as a Tensor: a view when the bytes are aligned for the element type, else a copy. */
function toTensor(t: GgufTensorInfo, bytes: Uint8Array): Tensor {
  const C = arrayClassOf(t.type)!;
  let data: TensorData;
  if (C === Uint8Array) data = bytes;
  else if (bytes.byteOffset % C.BYTES_PER_ELEMENT === 0) data = new C(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / C.BYTES_PER_ELEMENT);
  else data = new C(bytes.slice().buffer);
  return new Tensor(t.type, data, t.shape);
}
