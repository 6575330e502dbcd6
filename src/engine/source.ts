/**
 * Model sources: bytes, a URL (fetched, with progress), a File/Blob, or a file path in Node. Each source
 * also knows how to fetch a side file next to it (ONNX external data).
 */
import { KilnError } from './errors.js';

export type ModelSource = Uint8Array | ArrayBuffer | string | URL | Blob;

export interface LoadProgress {
  /** Bytes read so far and, when the server said, in total. */
  readonly loaded: number;
  readonly total?: number;
}

export interface ResolvedSource {
  readonly bytes: Uint8Array;
  /** A name for messages and for picking the format by extension. */
  readonly name?: string;
  /** Reads a file next to the model; undefined for raw bytes. */
  readonly sibling?: (relative: string) => Promise<Uint8Array>;
}

const isNode = (): boolean => typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';
const looksLikeUrl = (s: string): boolean => /^(https?|blob|data|file):/i.test(s);

export async function resolveSource(src: ModelSource, onProgress?: (p: LoadProgress) => void): Promise<ResolvedSource> {
  if (src instanceof Uint8Array) return { bytes: src };
  if (src instanceof ArrayBuffer) return { bytes: new Uint8Array(src) };
  if (typeof Blob !== 'undefined' && src instanceof Blob) {
    const bytes = new Uint8Array(await src.arrayBuffer());
    onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength });
    return { bytes, name: (src as File).name };
  }
  const s = src instanceof URL ? src.href : String(src);
  if (isNode() && !/^(https?|blob|data):/i.test(s)) return readPath(s.startsWith('file:') ? new URL(s) : s, onProgress);
  if (!looksLikeUrl(s) && !isNode() && typeof location === 'undefined') {
    throw new KilnError('E_IO', `cannot load '${s}': not a URL, and no file system here`);
  }
  const url = new URL(s, typeof location !== 'undefined' ? location.href : undefined);
  return { bytes: await fetchBytes(url, onProgress), name: url.pathname, sibling: (rel) => fetchBytes(new URL(rel, url)) };
}

async function readPath(p: string | URL, onProgress?: (p: LoadProgress) => void): Promise<ResolvedSource> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const file = typeof p === 'string' ? p : fileURLToPath(p);
  let buf: Uint8Array;
  try {
    buf = new Uint8Array(await fs.readFile(file));
  } catch (e) {
    throw new KilnError('E_IO', `cannot read model file '${file}': ${(e as Error).message}`, {}, { cause: e });
  }
  onProgress?.({ loaded: buf.byteLength, total: buf.byteLength });
  const dir = path.dirname(file);
  return {
    bytes: buf,
    name: file,
    sibling: async (rel) => {
      try {
        return new Uint8Array(await fs.readFile(path.join(dir, rel)));
      } catch (e) {
        throw new KilnError('E_EXTERNAL_DATA', `cannot read '${rel}' next to '${file}': ${(e as Error).message}`, {}, { cause: e });
      }
    },
  };
}

export async function fetchBytes(url: URL, onProgress?: (p: LoadProgress) => void): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new KilnError('E_IO', `fetching '${url.href}' failed: ${(e as Error).message}`, {}, { cause: e });
  }
  if (!res.ok) throw new KilnError('E_IO', `fetching '${url.href}' failed: HTTP ${res.status} ${res.statusText}`);
  const total = Number(res.headers.get('content-length')) || undefined;
  if (!res.body || !onProgress) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ loaded, total });
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
