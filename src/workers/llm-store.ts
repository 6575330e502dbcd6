/**
 * The LLM worker's model store: GGUF files kept whole in the Origin Private File System, so a model of
 * several GB is never one ArrayBuffer (LLM.load reads it tensor by tensor from the OPFS File).
 *
 *   kiln-models/<id>.gguf   the bytes, written through a synchronous access handle (workers only)
 *   kiln-models/<id>.json   StoreManifest: origin, size, chunk size, the sha-256 of every chunk written
 *
 * The file is hashed in chunks (8 MiB by default) as it arrives, as src/cache does for IndexedDB. The
 * manifest is rewritten after each chunk is flushed, so it is the commit point: after a reload (or a
 * lost connection) a download resumes at the last whole chunk with an HTTP range request (`If-Range`
 * on the ETag, so a changed file starts over). A stored model is checked against its digests before
 * it is loaded: a flipped byte is reported (E_MODEL_MALFORMED with details.checksum) and the app can
 * offer to download it again. A full disk is E_QUOTA, checked before a download and on every write.
 */
import { KilnError } from '../engine/errors.js';
import { abortedError, isAbortError, isQuotaError } from '../cache/errors.js';
import { sha256Hex } from '../cache/hash.js';
import type { StoredModel, StoreDownloadOptions, StoreProgress } from './llm-protocol.js';

const DIR = 'kiln-models';
export const DEFAULT_STORE_CHUNK = 8 * 1024 * 1024;
const PROGRESS_EVERY_MS = 100;

interface StoreManifest {
  v: 1;
  id: string;
  name: string;
  origin: string;
  size?: number;
  chunkBytes: number;
  chunks: string[];
  complete: boolean;
  hash?: string;
  etag?: string;
  storedAt: number;
}

/** The slice of the File System Access API the store uses (typed here: lib.dom's varies by TS version). */
interface SyncHandle {
  write(data: Uint8Array, opts: { at: number }): number;
  read(data: Uint8Array, opts: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}
type FileHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncHandle> };

const storage = (): StorageManager | undefined => (typeof navigator !== 'undefined' ? navigator.storage : undefined);

/** OPFS with synchronous access handles: dedicated workers in current Chromium, Firefox and Safari. */
export function storeAvailable(): boolean {
  const g = globalThis as { FileSystemFileHandle?: { prototype: object } };
  return typeof storage()?.getDirectory === 'function' && !!g.FileSystemFileHandle && 'createSyncAccessHandle' in g.FileSystemFileHandle.prototype;
}

async function dir(): Promise<FileSystemDirectoryHandle> {
  if (!storeAvailable()) throw new KilnError('E_BACKEND_UNAVAILABLE', 'this browser offers no Origin Private File System with synchronous access in workers: models cannot be stored');
  return (await storage()!.getDirectory()).getDirectoryHandle(DIR, { create: true });
}

const notFound = (e: unknown): boolean => (e as { name?: string })?.name === 'NotFoundError' || (e as { name?: string })?.name === 'TypeError';

async function withSync<T>(name: string, f: (h: SyncHandle) => T | Promise<T>): Promise<T> {
  const fh = (await (await dir()).getFileHandle(name, { create: true })) as FileHandle;
  const h = await fh.createSyncAccessHandle();
  try {
    return await f(h);
  } finally {
    h.close();
  }
}

async function readManifest(id: string): Promise<StoreManifest | undefined> {
  try {
    const file = await (await (await dir()).getFileHandle(`${id}.json`)).getFile();
    const m = JSON.parse(await file.text()) as StoreManifest;
    return m.v === 1 && m.id === id && Array.isArray(m.chunks) ? m : undefined;
  } catch (e) {
    if (notFound(e) || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/**
 * Writes all of `data` at `at`. A short write is a full disk: Chromium's handle then returns a negative
 * error code as an unsigned count instead of throwing.
 */
function writeAll(h: SyncHandle, data: Uint8Array, at: number): void {
  const n = h.write(data, { at });
  if (n !== data.byteLength) throw new DOMException(`wrote ${n | 0} of ${data.byteLength} bytes`, 'QuotaExceededError');
}

function writeManifest(m: StoreManifest): Promise<void> {
  const bytes = new TextEncoder().encode(JSON.stringify(m));
  return withSync(`${m.id}.json`, (h) => {
    h.truncate(0);
    writeAll(h, bytes, 0);
    h.flush();
  });
}

function info(m: StoreManifest): StoredModel {
  const stored = m.complete ? m.size ?? 0 : m.chunks.length * m.chunkBytes;
  return { id: m.id, name: m.name, origin: m.origin, stored, size: m.size, complete: m.complete, hash: m.hash, chunkBytes: m.chunkBytes, storedAt: m.storedAt };
}

/** A store id from a URL or file name: readable, filesystem-safe, and unique per origin string. */
export async function storeId(origin: string): Promise<string> {
  const last = origin.replace(/[?#].*$/, '').split(/[\\/]/).filter(Boolean).pop() ?? 'model';
  const base = last.replace(/\.gguf$/i, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').slice(0, 48) || 'model';
  return `${base}-${(await sha256Hex(origin)).slice(0, 8)}`;
}

export async function listStored(): Promise<StoredModel[]> {
  const out: StoredModel[] = [];
  const d = await dir();
  for await (const name of (d as unknown as { keys(): AsyncIterable<string> }).keys()) {
    if (!name.endsWith('.json')) continue;
    const m = await readManifest(name.slice(0, -5));
    if (m) out.push(info(m));
  }
  return out.sort((a, b) => b.storedAt - a.storedAt);
}

export async function deleteStored(id: string): Promise<boolean> {
  const d = await dir();
  let had = false;
  for (const name of [`${id}.json`, `${id}.gguf`]) {
    try {
      await d.removeEntry(name);
      had = true;
    } catch (e) {
      if (!notFound(e)) throw e;
    }
  }
  return had;
}

/** The stored file, after checking every chunk's sha-256 (unless `verify` is false). */
export async function openStored(id: string, verify: boolean, onProgress?: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<{ file: File; model: StoredModel }> {
  const m = await readManifest(id);
  if (!m) throw new KilnError('E_IO', `no stored model '${id}'`, { id });
  if (!m.complete) throw new KilnError('E_IO', `stored model '${id}' is incomplete (${info(m).stored} of ${m.size ?? '?'} bytes): resume its download first`, { id, incomplete: true });
  const file = await (await (await dir()).getFileHandle(`${id}.gguf`)).getFile();
  const corrupt = (why: string, chunk?: number) =>
    new KilnError('E_MODEL_MALFORMED', `stored model '${m.name}' is corrupted: ${why}. Delete it and download it again`, { id, checksum: true, chunk });
  if (file.size !== m.size) throw corrupt(`it has ${file.size} bytes, ${m.size} were stored`);
  if (verify) {
    for (let i = 0; i < m.chunks.length; i++) {
      if (signal?.aborted) throw abortedError(`checking '${m.name}'`);
      const at = i * m.chunkBytes;
      const piece = new Uint8Array(await file.slice(at, Math.min(at + m.chunkBytes, file.size)).arrayBuffer());
      if ((await sha256Hex(piece)) !== m.chunks[i]) throw corrupt(`chunk ${i} (bytes ${at}–${at + piece.byteLength - 1}) does not match its sha-256`, i);
      onProgress?.(at + piece.byteLength, file.size);
    }
  }
  return { file, model: info(m) };
}

export async function verifyStored(id: string): Promise<StoredModel> {
  return (await openStored(id, true)).model;
}

/** Throws E_QUOTA when `bytes` more will not fit what the browser grants this origin. */
async function checkRoom(name: string, bytes: number): Promise<void> {
  let est: StorageEstimate | undefined;
  try {
    est = await storage()?.estimate?.();
  } catch {}
  if (est?.quota === undefined) return;
  const free = est.quota - (est.usage ?? 0);
  if (bytes > free) throw quotaError(name, bytes, est);
}

function quotaError(name: string, bytes: number, est?: StorageEstimate, cause?: unknown): KilnError {
  const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
  const use = est?.quota !== undefined ? ` (this site uses ${mb(est.usage ?? 0)} of the ${mb(est.quota)} the browser allows it)` : '';
  return new KilnError('E_QUOTA', `not enough storage for '${name}': ${mb(bytes)} more are needed${use}. Delete stored models to make room`, { bytes, quota: est?.quota, usage: est?.usage }, cause === undefined ? undefined : { cause });
}

/** Where bytes come from: a response body read from `from` on, or a Blob. */
type Feed = { size?: number; reader: ReadableStreamDefaultReader<Uint8Array>; etag?: string };

export type StoreSource = { kind: 'url'; url: string } | { kind: 'blob'; blob: Blob; name: string };

/**
 * Stores a URL (downloaded, resumed by range request when a partial copy is there) or a Blob (copied)
 * and returns it as listed. A complete copy from the same origin is returned as it is.
 */
export async function ingest(src: StoreSource, o: StoreDownloadOptions, signal: AbortSignal | undefined, onProgress?: (p: StoreProgress) => void): Promise<StoredModel> {
  const origin = src.kind === 'url' ? src.url : `file:${src.name}:${src.blob.size}`;
  const id = o.id ?? (await storeId(origin));
  const name = o.name ?? (src.kind === 'url' ? decodeURIComponent(src.url.replace(/[?#].*$/, '').split('/').pop() || src.url) : src.name);
  const chunkBytes = o.chunkBytes ?? DEFAULT_STORE_CHUNK;
  if (!(Number.isInteger(chunkBytes) && chunkBytes >= 1024)) throw new KilnError('E_INPUT_INVALID', `chunkBytes must be an integer ≥ 1024, got ${chunkBytes}`);
  const old = await readManifest(id);
  if (old?.complete && old.origin === origin) return info(old);
  const m: StoreManifest = old && !old.complete && old.origin === origin && old.chunkBytes === chunkBytes
    ? old : { v: 1, id, name, origin, chunkBytes, chunks: [], complete: false, storedAt: Date.now() };
  let from = m.chunks.length * chunkBytes;
  const feed: Feed & { from: number } = src.kind === 'url' ? await request(src.url, m.etag, from, signal) : { from, size: src.blob.size, reader: src.blob.slice(from).stream().getReader() };
  if (feed.from !== from) {
    from = feed.from;
    m.chunks = [];
  }
  if (src.kind === 'url') m.etag = feed.etag;
  if (feed.size !== undefined) await checkRoom(name, feed.size - from);
  m.size = feed.size;
  const phase = src.kind === 'url' ? 'download' : 'copy';
  try {
    await withSync(`${id}.gguf`, async (h) => {
      h.truncate(from);
      await writeManifest(m);
      await pump(feed, h, m, from, signal, (loaded) => onProgress?.({ id, phase, loaded, total: m.size, resumedFrom: from }));
    });
  } catch (e) {
    await feed.reader.cancel().catch(() => undefined);
    if (isAbortError(e) || signal?.aborted) throw abortedError(`storing '${name}'`, e);
    if (isQuotaError(e)) throw quotaError(name, (m.size ?? 0) - m.chunks.length * chunkBytes, await storage()?.estimate?.().catch(() => undefined), e);
    throw e;
  }
  return info(m);
}

/** Opens the body at `from` (a range request when resuming). `from` comes back 0 when the server restarts. */
async function request(url: string, etag: string | undefined, from: number, signal?: AbortSignal): Promise<Feed & { from: number }> {
  const headers: Record<string, string> = {};
  if (from > 0) {
    headers.Range = `bytes=${from}-`;
    if (etag) headers['If-Range'] = etag;
  }
  let res: Response;
  try {
    res = await fetch(url, { headers, signal, cache: 'no-store' });
  } catch (e) {
    if (isAbortError(e)) throw abortedError(`downloading '${url}'`, e);
    throw new KilnError('E_IO', `fetching '${url}' failed: ${(e as Error).message}`, { url }, { cause: e });
  }
  if (!res.ok) throw new KilnError('E_IO', `fetching '${url}' failed: HTTP ${res.status} ${res.statusText}`, { url, status: res.status });
  if (!res.body) throw new KilnError('E_IO', `'${url}' answered with no body`, { url });
  const length = Number(res.headers.get('content-length'));
  const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
  const encoded = !!res.headers.get('content-encoding');
  let start = 0;
  let size: number | undefined = !encoded && Number.isSafeInteger(length) && length > 0 ? length : undefined;
  if (res.status === 206 && range && Number(range[1]) === from) {
    start = from;
    size = range[2] !== '*' ? Number(range[2]) : size !== undefined ? from + size : undefined;
  } else if (res.status === 206) {
    await res.body.cancel();
    return request(url, undefined, 0, signal);
  }
  return { from: start, size, reader: res.body.getReader(), etag: res.headers.get('etag') ?? undefined };
}

/** Reads the feed into chunks: each whole chunk is hashed, written at its offset, flushed, committed. */
async function pump(feed: Feed, h: SyncHandle, m: StoreManifest, from: number, signal: AbortSignal | undefined, progress: (loaded: number) => void): Promise<void> {
  const cb = m.chunkBytes;
  let buf = new Uint8Array(cb);
  let fill = 0;
  let at = from;
  let last = 0;
  const commit = async () => {
    const piece = fill === cb ? buf : buf.subarray(0, fill);
    const digest = await sha256Hex(piece);
    writeAll(h, piece, at);
    h.flush();
    at += fill;
    m.chunks.push(digest);
    fill = 0;
    buf = new Uint8Array(cb);
  };
  for (;;) {
    if (signal?.aborted) throw abortedError(`storing '${m.name}'`);
    const { done, value } = await feed.reader.read();
    if (done) break;
    let off = 0;
    while (off < value.byteLength) {
      const n = Math.min(value.byteLength - off, cb - fill);
      buf.set(value.subarray(off, off + n), fill);
      fill += n;
      off += n;
      if (fill === cb) {
        await commit();
        await writeManifest(m);
      }
    }
    const now = performance.now();
    if (now - last >= PROGRESS_EVERY_MS) {
      last = now;
      progress(at + fill);
    }
  }
  // A body cut short keeps its whole chunks (committed above) and drops the partial one.
  if (m.size !== undefined && at + fill !== m.size) {
    throw new KilnError('E_IO', `'${m.name}' ended after ${at + fill} of ${m.size} bytes: the connection was cut; download it again to resume`, { id: m.id });
  }
  if (fill > 0) await commit();
  m.size = at;
  m.complete = true;
  m.hash = await sha256Hex(m.chunks.join(''));
  m.storedAt = Date.now();
  await writeManifest(m);
  progress(at);
}
