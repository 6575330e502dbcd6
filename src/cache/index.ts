/**
 * Model bytes from a URL, through a cache in IndexedDB: `fetchModel` reads a cached copy when there is
 * one (checking every chunk's sha-256, and refetching when one is wrong), downloads and stores it
 * otherwise. The list/evict functions are public API: `listCachedModels`, `evictCachedModel`,
 * `clearModelCache`. Layout and guarantees: see store.ts.
 */
import { KilnError } from '../engine/errors.js';
import { download, joinChunks, MAX_BUFFER_BYTES, type Progress } from './download.js';
import { isAbortError, isQuotaError, quotaError, throwIfAborted } from './errors.js';
import { canHash, sha256Hex } from './hash.js';
import {
  cacheAvailable, clearAll, collectGarbage, deleteManifest, DEFAULT_CHUNK_BYTES, getChunk, getManifest,
  listManifests, putChunk, putManifest, type Manifest,
} from './store.js';

export { abortedError, isAbortError } from './errors.js';
export { DB_NAME, STORE_NAME, DEFAULT_CHUNK_BYTES } from './store.js';

export interface CacheOptions {
  /** Largest chunk stored as one IndexedDB value. Default 32 MiB. */
  readonly chunkBytes?: number;
}

export interface FetchProgress extends Progress {
  readonly url: string;
  /** Where the bytes come from: the network, or the model cache. */
  readonly source: 'network' | 'cache';
}

export interface FetchModelOptions {
  /** true (default where IndexedDB and WebCrypto exist) or false; an object tunes the cache. */
  readonly cache?: boolean | CacheOptions;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: FetchProgress) => void;
}

export interface FetchedModel {
  readonly bytes: Uint8Array;
  readonly source: 'network' | 'cache';
  /** Content hash of the cached copy (see Manifest.hash); undefined when not cached. */
  readonly hash?: string;
  /** A cached copy failed its sha-256 check and was fetched again. */
  readonly refetched: boolean;
  /** The cache could not be read or written (E_QUOTA when storage is full). The load still succeeded. */
  readonly cacheError?: KilnError;
}

export interface CachedModel {
  readonly url: string;
  readonly size: number;
  readonly hash: string;
  readonly chunks: number;
  readonly storedAt: Date;
}

/** True where the cache can work: IndexedDB to store, WebCrypto to check (secure contexts only). */
export const modelCacheAvailable = (): boolean => cacheAvailable() && canHash();

export async function fetchModel(url: string, opts: FetchModelOptions = {}): Promise<FetchedModel> {
  const useCache = opts.cache !== false && modelCacheAvailable() && /^https?:/i.test(url);
  const chunkBytes = Math.max(1024, Math.min(typeof opts.cache === 'object' ? opts.cache.chunkBytes ?? DEFAULT_CHUNK_BYTES : DEFAULT_CHUNK_BYTES, MAX_BUFFER_BYTES));
  const progress = (source: 'network' | 'cache') => (p: Progress) => opts.onProgress?.({ ...p, url, source });
  let refetched = false;
  let cacheError: KilnError | undefined;
  if (useCache) {
    try {
      const hit = await readCached(url, opts.signal, progress('cache'));
      if (hit === 'corrupt') refetched = true;
      else if (hit) return { bytes: hit.bytes, source: 'cache', hash: hit.hash, refetched };
    } catch (e) {
      if (isAbortError(e)) throw e;
      cacheError = await asCacheError(e, url, 0);
    }
  }
  const caching = useCache && !cacheError;
  // Chunks are stored while the download goes on; after a failed write (a full disk) no more are tried.
  const writes: Promise<string>[] = [];
  let writeError: unknown;
  const store = (c: Uint8Array) => {
    if (writeError !== undefined) return;
    const w = storeChunk(c);
    w.catch((e: unknown) => (writeError ??= e));
    writes.push(w);
  };
  const cleanUp = async () => {
    await Promise.allSettled(writes);
    await collectGarbage().catch(() => 0);
  };
  let got;
  try {
    got = await download(url, { signal: opts.signal, onProgress: progress('network'), chunkBytes: caching ? chunkBytes : MAX_BUFFER_BYTES, onChunk: caching ? store : undefined });
  } catch (e) {
    if (caching) await cleanUp();
    throw e;
  }
  const bytes = joinChunks(got.chunks, got.size, `'${url}'`);
  if (!caching) return { bytes, source: 'network', refetched, cacheError };
  try {
    const chunks = await Promise.all(writes);
    if (writeError !== undefined) throw writeError;
    const hash = await sha256Hex(chunks.join(''));
    await putManifest({ v: 1, url, size: got.size, chunks, hash, storedAt: Date.now(), etag: got.etag });
    return { bytes, source: 'network', hash, refetched };
  } catch (e) {
    await cleanUp();
    return { bytes, source: 'network', refetched, cacheError: await asCacheError(e, url, got.size) };
  }
}

async function storeChunk(c: Uint8Array): Promise<string> {
  const digest = await sha256Hex(c);
  await putChunk(digest, c);
  return digest;
}

/** The cached bytes, 'corrupt' (entry dropped; the caller refetches), or undefined on a miss. */
async function readCached(url: string, signal: AbortSignal | undefined, onProgress: (p: Progress) => void): Promise<{ bytes: Uint8Array; hash: string } | 'corrupt' | undefined> {
  const m = await getManifest(url);
  if (!m) return undefined;
  if (!validManifest(m) || m.size > MAX_BUFFER_BYTES) return drop(m.url ?? url);
  const out = m.chunks.length === 1 ? undefined : new Uint8Array(m.size);
  let at = 0;
  let single: Uint8Array | undefined;
  for (const digest of m.chunks) {
    throwIfAborted(signal, `reading '${url}' from the cache`);
    const c = await getChunk(digest);
    if (!(c instanceof Uint8Array) || at + c.byteLength > m.size || (await sha256Hex(c)) !== digest) return drop(url);
    if (out) out.set(c, at);
    else single = c;
    at += c.byteLength;
    onProgress({ loaded: at, total: m.size });
  }
  if (at !== m.size) return drop(url);
  return { bytes: out ?? single!, hash: m.hash };
}

function validManifest(m: Manifest): boolean {
  return m.v === 1 && typeof m.url === 'string' && Number.isSafeInteger(m.size) && Array.isArray(m.chunks) && m.chunks.every((c) => typeof c === 'string');
}

async function drop(url: string): Promise<'corrupt'> {
  await deleteManifest(url);
  await collectGarbage();
  return 'corrupt';
}

async function asCacheError(e: unknown, url: string, bytes: number): Promise<KilnError> {
  if (isQuotaError(e)) return quotaError(url, bytes, e);
  if (e instanceof KilnError) return e;
  return new KilnError('E_IO', `the model cache failed for '${url}': ${(e as Error)?.message ?? String(e)}`, { url }, { cause: e });
}

/** Every cached model, newest first. */
export async function listCachedModels(): Promise<CachedModel[]> {
  if (!cacheAvailable()) return [];
  const ms = await listManifests();
  return ms
    .map((m) => ({ url: m.url, size: m.size, hash: m.hash, chunks: m.chunks.length, storedAt: new Date(m.storedAt) }))
    .sort((a, b) => b.storedAt.getTime() - a.storedAt.getTime());
}

/** Removes one model (and the chunks no other cached model shares). True when it was cached. */
export async function evictCachedModel(url: string | URL): Promise<boolean> {
  if (!cacheAvailable()) return false;
  const key = absolute(url);
  const had = (await getManifest(key)) !== undefined;
  await deleteManifest(key);
  await collectGarbage();
  return had;
}

/** Removes every cached model. */
export async function clearModelCache(): Promise<void> {
  if (cacheAvailable()) await clearAll();
}

/** Cache keys are absolute URLs; relative ones resolve against the page (or worker) location. */
export function absolute(url: string | URL): string {
  return new URL(String(url), typeof location !== 'undefined' ? location.href : undefined).href;
}
