/**
 * Random-access byte sources for GGUF files: bytes in memory, a Blob/File, a URL read by HTTP range
 * requests, or a file path in Node. Only the header and the tensors asked for are ever read, so a file
 * larger than 4 GB (or than memory) is readable without one ArrayBuffer holding it.
 */
import { KilnError } from '../../engine/errors.js';

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** A name for messages (file name, URL or "bytes"). */
  readonly name: string;
  /** The whole file, when it is in memory: tensor data is then handed out as views. */
  readonly bytes?: Uint8Array;
  /** Reads `length` bytes at `offset` (both inside the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Opens a file next to this one (split models), or undefined when there is no "next to". */
  sibling?(fileName: string): Promise<ByteSource>;
  /** Releases a file handle, if any. */
  close?(): Promise<void>;
}

function checkRange(src: { size: number; name: string }, offset: number, length: number): void {
  if (!(offset >= 0 && length >= 0 && offset + length <= src.size)) {
    throw new KilnError('E_IO', `read of ${length} bytes at ${offset} is outside '${src.name}' (${src.size} bytes)`, { offset });
  }
}

export function bytesSource(bytes: Uint8Array | ArrayBuffer, name = 'bytes'): ByteSource {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return {
    size: b.byteLength,
    name,
    bytes: b,
    read: async (offset, length) => {
      checkRange({ size: b.byteLength, name }, offset, length);
      return b.subarray(offset, offset + length);
    },
  };
}

export function blobSource(blob: Blob, name = (blob as File).name || 'blob'): ByteSource {
  return {
    size: blob.size,
    name,
    read: async (offset, length) => {
      checkRange({ size: blob.size, name }, offset, length);
      try {
        return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
      } catch (e) {
        throw new KilnError('E_IO', `reading ${length} bytes at ${offset} of '${name}' failed: ${(e as Error).message}`, { offset }, { cause: e });
      }
    },
  };
}

export interface UrlSourceOptions {
  /** Extra request headers (authorization, …). */
  headers?: Record<string, string>;
  /** The fetch to use (defaults to globalThis.fetch). */
  fetch?: typeof fetch;
}

/**
 * A URL read by `Range: bytes=a-b` requests. The size comes from the first range response's
 * Content-Range. A server that ignores ranges (200 instead of 206) gets its whole body read once.
 */
export async function urlSource(url: string | URL, opts: UrlSourceOptions = {}): Promise<ByteSource> {
  const href = url instanceof URL ? url.href : url;
  const f = opts.fetch ?? globalThis.fetch;
  const get = async (from: number, to: number): Promise<Response> => {
    let res: Response;
    try {
      res = await f(href, { headers: { ...opts.headers, Range: `bytes=${from}-${to}` } });
    } catch (e) {
      throw new KilnError('E_IO', `fetching '${href}' failed: ${(e as Error).message}`, {}, { cause: e });
    }
    if (!res.ok) throw new KilnError('E_IO', `fetching '${href}' (bytes ${from}-${to}) failed: HTTP ${res.status} ${res.statusText}`);
    return res;
  };
  const first = await get(0, 0);
  if (first.status !== 206) {
    const whole = bytesSource(new Uint8Array(await first.arrayBuffer()), href);
    return { ...whole, sibling: (n) => urlSource(new URL(n, href), opts) };
  }
  await first.arrayBuffer();
  const size = await totalSize(first, href, f, opts.headers);
  return {
    size,
    name: href,
    read: async (offset, length) => {
      checkRange({ size, name: href }, offset, length);
      if (length === 0) return new Uint8Array(0);
      const res = await get(offset, offset + length - 1);
      const body = new Uint8Array(await res.arrayBuffer());
      if (res.status === 206 && body.byteLength === length) return body;
      if (res.status === 200 && body.byteLength === size) return body.subarray(offset, offset + length);
      throw new KilnError('E_IO', `'${href}' returned ${body.byteLength} bytes (HTTP ${res.status}) for a ${length}-byte range at ${offset}`, { offset });
    },
    sibling: (n) => urlSource(new URL(n, href), opts),
  };
}

/**
 * The file size from a range response's Content-Range; a cross-origin response only shows that header
 * when the server exposes it, so fall back to the Content-Length of a HEAD request (always visible).
 */
async function totalSize(res: Response, href: string, f: typeof fetch, headers?: Record<string, string>): Promise<number> {
  const m = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
  if (m) return Number(m[1]);
  try {
    const head = await f(href, { method: 'HEAD', headers });
    const n = Number(head.headers.get('content-length'));
    if (head.ok && Number.isSafeInteger(n) && n > 0) return n;
  } catch {
    // reported below
  }
  throw new KilnError('E_IO', `'${href}' answered a range request without a Content-Range total size, and a HEAD request gave no Content-Length`);
}

/** A file path in Node, read through one file handle. */
export async function pathSource(path: string): Promise<ByteSource> {
  const fs = await import('node:fs/promises');
  const nodePath = await import('node:path');
  let handle: Awaited<ReturnType<typeof fs.open>>;
  let size: number;
  try {
    handle = await fs.open(path, 'r');
    size = (await handle.stat()).size;
  } catch (e) {
    throw new KilnError('E_IO', `cannot open '${path}': ${(e as Error).message}`, {}, { cause: e });
  }
  return {
    size,
    name: path,
    read: async (offset, length) => {
      checkRange({ size, name: path }, offset, length);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new KilnError('E_IO', `'${path}' ended early while reading ${length} bytes at ${offset}`, { offset });
        done += bytesRead;
      }
      return out;
    },
    sibling: (n) => pathSource(nodePath.join(nodePath.dirname(path), n)),
    close: () => handle.close(),
  };
}
