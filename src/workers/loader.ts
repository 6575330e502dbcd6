/**
 * Model source → bytes → engine session, with load and compile timed apart. http(s) URLs go through the
 * model cache (src/cache) with streamed progress and abort; everything else (bytes, File/Blob, a path in
 * Node) through the engine's own resolver. Runs wherever the session lives: in the worker, or in the
 * calling thread for `worker: false`.
 */
import { InferenceSession as EngineSession, type SessionOptions as EngineOptions } from '../engine/session.js';
import { registeredFormats } from '../engine/registry.js';
import { resolveSource, type ModelSource } from '../engine/source.js';
import { fetchModel, type CacheOptions } from '../cache/index.js';
import { throwIfAborted } from '../cache/errors.js';
import { FEATURES } from './env.js';

export interface LoadProgressEvent {
  readonly loaded: number;
  readonly total?: number;
  /** The absolute URL for URL sources. */
  readonly url?: string;
  readonly source: 'network' | 'cache' | 'file' | 'bytes';
}

export interface LoadInfo {
  /** The absolute URL for URL sources. */
  readonly url?: string;
  readonly bytes: number;
  readonly source: 'network' | 'cache' | 'bytes' | 'file';
  /** A cached copy failed its sha-256 check and was fetched again. */
  readonly refetched: boolean;
  /** Content hash of the cached copy (sha-256 over its chunks' sha-256 digests). */
  readonly hash?: string;
  /** Why the cache was not used (E_QUOTA when storage is full); the load itself succeeded. */
  readonly cacheError?: { readonly code: string; readonly message: string };
  /** Reading the bytes (network or cache). */
  readonly loadMs: number;
  /** Parsing, optimising, planning and backend preparation. */
  readonly compileMs: number;
  /** Whether the session runs in a worker. */
  readonly worker: boolean;
}

export interface LoadOptions extends Omit<EngineOptions, 'onProgress'> {
  readonly cache?: boolean | CacheOptions;
  readonly onProgress?: (p: LoadProgressEvent) => void;
  readonly signal?: AbortSignal;
}

const isHttp = (s: string): boolean => /^https?:/i.test(s);

export async function loadSession(source: ModelSource, opts: LoadOptions, worker: boolean): Promise<{ session: EngineSession; loadInfo: LoadInfo }> {
  const { cache, onProgress, signal, ...engine } = opts;
  const t0 = performance.now();
  let href = typeof source === 'string' || source instanceof URL ? String(source) : undefined;
  // In a page (or worker) a string is a URL relative to it; in Node it may be a path.
  if (href !== undefined && !FEATURES.node && typeof location !== 'undefined') href = new URL(href, location.href).href;
  const httpUrl = href !== undefined && isHttp(href) ? href : undefined;
  let bytes: Uint8Array;
  let name: string | undefined;
  let sibling: ((rel: string) => Promise<Uint8Array>) | undefined;
  let info: Pick<LoadInfo, 'url' | 'source' | 'refetched' | 'hash' | 'cacheError'>;
  if (httpUrl !== undefined) {
    const url = new URL(httpUrl).href;
    const got = await fetchModel(url, { cache, signal, onProgress });
    bytes = got.bytes;
    name = new URL(url).pathname;
    sibling = async (rel) => (await fetchModel(new URL(rel, url).href, { cache, signal })).bytes;
    info = { url, source: got.source, refetched: got.refetched, hash: got.hash, cacheError: got.cacheError && { code: got.cacheError.code, message: got.cacheError.message } };
  } else {
    const kind = source instanceof Uint8Array || source instanceof ArrayBuffer ? 'bytes' : 'file';
    const r = await resolveSource(source, onProgress && ((p) => onProgress({ ...p, url: href, source: kind })));
    bytes = r.bytes;
    name = r.name;
    sibling = r.sibling;
    info = { url: href, source: kind, refetched: false };
  }
  throwIfAborted(signal, 'loading the model');
  const t1 = performance.now();
  const session = await EngineSession.create(bytes, { ...engine, format: engine.format ?? formatByName(name), externalData: engine.externalData ?? sibling });
  const loadInfo: LoadInfo = { ...info, bytes: bytes.byteLength, loadMs: t1 - t0, compileMs: performance.now() - t1, worker };
  return { session, loadInfo };
}

/** The format whose extension the name ends with (query and hash ignored), if any. */
function formatByName(name: string | undefined): EngineOptions['format'] {
  const lower = name?.toLowerCase().replace(/[?#].*$/, '');
  return lower ? registeredFormats().find((f) => f.extensions.some((e) => lower.endsWith(e)))?.name : undefined;
}
