/**
 * The model cache's storage: one IndexedDB database (through idb-keyval), two kinds of keys.
 *
 *   'model:<url>'       → Manifest: size, the ordered list of chunk digests, when it was stored
 *   'chunk:<sha-256>'   → Uint8Array, one piece of a file (at most `chunkBytes`, 32 MiB by default)
 *
 * Chunks are content-addressed, so a file is never one big value (a 4 GB model is 128 values of 32 MiB),
 * two URLs with the same bytes share their chunks, and every read can check each chunk against its key.
 * A manifest is written only after all its chunks are stored: a manifest is the commit point. Chunks that
 * no manifest names (a failed or interrupted write, an eviction) are removed by `collectGarbage`.
 */
import { clear, createStore, del, delMany, get, getMany, keys, set, type UseStore } from 'idb-keyval';

export const DB_NAME = 'kiln-model-cache';
export const STORE_NAME = 'v1';
export const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024;

export interface Manifest {
  readonly v: 1;
  readonly url: string;
  readonly size: number;
  /** sha-256 of each chunk, in file order (the chunk keys). */
  readonly chunks: readonly string[];
  /** The file's content hash: sha-256 over the chunk digests (hex, concatenated). */
  readonly hash: string;
  readonly storedAt: number;
  readonly etag?: string;
}

let store: UseStore | undefined;
/** Opened on first use: idb-keyval opens the database as soon as a store is created. */
const db = (): UseStore => (store ??= createStore(DB_NAME, STORE_NAME));

const modelKey = (url: string): string => `model:${url}`;
export const chunkKey = (digest: string): string => `chunk:${digest}`;

export const cacheAvailable = (): boolean => typeof indexedDB !== 'undefined';

export const getManifest = (url: string): Promise<Manifest | undefined> => get<Manifest>(modelKey(url), db());
export const putManifest = (m: Manifest): Promise<void> => set(modelKey(m.url), m, db());
export const getChunk = (digest: string): Promise<Uint8Array | undefined> => get<Uint8Array>(chunkKey(digest), db());

/** Stores one chunk. The value must own its buffer: IndexedDB would otherwise store the whole buffer. */
export function putChunk(digest: string, bytes: Uint8Array): Promise<void> {
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  return set(chunkKey(digest), own, db());
}

export async function listManifests(): Promise<Manifest[]> {
  const ks = (await keys<string>(db())).filter((k) => typeof k === 'string' && k.startsWith('model:'));
  return (await getMany<Manifest>(ks, db())).filter((m): m is Manifest => m !== undefined);
}

export const deleteManifest = (url: string): Promise<void> => del(modelKey(url), db());

/** Deletes every chunk no manifest names. Returns how many were deleted. */
export async function collectGarbage(): Promise<number> {
  const all = await keys<string>(db());
  const live = new Set((await listManifests()).flatMap((m) => m.chunks.map(chunkKey)));
  const dead = all.filter((k) => typeof k === 'string' && k.startsWith('chunk:') && !live.has(k));
  if (dead.length) await delMany(dead, db());
  return dead.length;
}


export const clearAll = (): Promise<void> => clear(db());
