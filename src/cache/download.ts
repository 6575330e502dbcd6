/**
 * Streamed downloads. Bytes arrive in network-sized pieces and are gathered into chunks of at most
 * `chunkBytes`; each finished chunk is handed to `onChunk` (the cache stores it while the download goes
 * on). With no cache the whole file is one chunk when the server gives its length, so nothing is copied.
 */
import { KilnError } from '../engine/errors.js';
import { abortedError, isAbortError } from './errors.js';

export interface Progress {
  readonly loaded: number;
  /** Undefined when the server sent no Content-Length. */
  readonly total?: number;
}

export interface DownloadOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /** Largest piece gathered before `onChunk` sees it. */
  readonly chunkBytes: number;
  readonly onChunk?: (chunk: Uint8Array, index: number) => void;
}

export interface Downloaded {
  readonly chunks: readonly Uint8Array[];
  readonly size: number;
  readonly etag?: string;
}

/** The largest ArrayBuffer Chromium allocates (0x7fe00000 bytes, about 2 GiB). */
export const MAX_BUFFER_BYTES = 0x7fe00000;
const PROGRESS_EVERY_MS = 50;
const GUESS_BYTES = 4 * 1024 * 1024;

export async function download(url: string, opts: DownloadOptions): Promise<Downloaded> {
  let res: Response;
  try {
    res = await fetch(url, { signal: opts.signal });
  } catch (e) {
    if (isAbortError(e)) throw abortedError(`downloading '${url}'`, e);
    throw new KilnError('E_IO', `fetching '${url}' failed: ${(e as Error).message}`, { url }, { cause: e });
  }
  if (!res.ok) throw new KilnError('E_IO', `fetching '${url}' failed: HTTP ${res.status} ${res.statusText}`, { url, status: res.status });
  // With Content-Encoding the header counts compressed bytes: a hint for allocation, never a limit.
  const header = Number(res.headers.get('content-length'));
  const total = Number.isFinite(header) && header > 0 ? header : undefined;
  const chunker = new Chunker(opts.chunkBytes, total, opts.onChunk);
  let lastReport = 0;
  let lastLoaded = -1;
  const report = (final: boolean) => {
    const now = performance.now();
    if (!opts.onProgress || (final ? lastLoaded === chunker.size : now - lastReport < PROGRESS_EVERY_MS)) return;
    lastReport = now;
    lastLoaded = chunker.size;
    opts.onProgress({ loaded: chunker.size, total: total !== undefined && total >= chunker.size ? total : undefined });
  };
  if (!res.body) {
    chunker.push(new Uint8Array(await res.arrayBuffer()));
  } else {
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunker.push(value);
        report(false);
      }
    } catch (e) {
      if (isAbortError(e) || opts.signal?.aborted) throw abortedError(`downloading '${url}'`, e);
      throw new KilnError('E_IO', `reading '${url}' failed after ${chunker.size} bytes: ${(e as Error).message}`, { url }, { cause: e });
    }
  }
  const chunks = chunker.finish();
  report(true);
  return { chunks, size: chunker.size, etag: res.headers.get('etag') ?? undefined };
}

/** Gathers bytes into pieces of at most `chunkBytes`, sized from the expected total when there is one. */
class Chunker {
  private readonly done: Uint8Array[] = [];
  private cur: Uint8Array | undefined;
  private fill = 0;
  size = 0;

  constructor(private readonly chunkBytes: number, private readonly total: number | undefined, private readonly onChunk?: (c: Uint8Array, i: number) => void) {}

  push(b: Uint8Array): void {
    let at = 0;
    while (at < b.byteLength) {
      if (!this.cur) {
        const rest = this.total !== undefined && this.total > this.size ? this.total - this.size : GUESS_BYTES;
        this.cur = new Uint8Array(Math.min(this.chunkBytes, Math.max(rest, 65536)));
      }
      const n = Math.min(b.byteLength - at, this.cur.byteLength - this.fill);
      this.cur.set(b.subarray(at, at + n), this.fill);
      this.fill += n;
      this.size += n;
      at += n;
      if (this.fill === this.cur.byteLength) this.flush();
    }
  }

  finish(): Uint8Array[] {
    this.flush();
    return this.done;
  }

  private flush(): void {
    if (!this.cur || this.fill === 0) return;
    const piece = this.fill === this.cur.byteLength ? this.cur : this.cur.slice(0, this.fill);
    this.done.push(piece);
    this.onChunk?.(piece, this.done.length - 1);
    this.cur = undefined;
    this.fill = 0;
  }
}

/** One contiguous buffer from chunks (the format readers need one today). No copy for a single chunk. */
export function joinChunks(chunks: readonly Uint8Array[], size: number, what: string): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  if (size > MAX_BUFFER_BYTES) {
    throw new KilnError('E_QUOTA', `${what} is ${size} bytes; the format readers need it in one ArrayBuffer, and browsers cap those at ${MAX_BUFFER_BYTES} bytes`, { bytes: size });
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
