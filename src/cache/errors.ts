/** Abort and storage-full errors of the loader and the cache, as KilnErrors (E_ABORTED, E_QUOTA). */
import { KilnError } from '../engine/errors.js';

export function abortedError(what: string, cause?: unknown): KilnError {
  return new KilnError('E_ABORTED', `${what} was aborted`, {}, cause === undefined ? undefined : { cause });
}

export const isAbortError = (e: unknown): boolean =>
  (e instanceof KilnError && e.code === 'E_ABORTED') || (e instanceof Error && e.name === 'AbortError');

/** Throws E_ABORTED when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortedError(what, signal.reason);
}

/** True for the browser's storage-full errors (IndexedDB, OPFS, Cache API). */
export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || (e instanceof Error && /quota/i.test(e.message));
}

/** A storage-full error as a KilnError that says how much was needed and what is free. */
export async function quotaError(url: string, bytes: number, cause: unknown): Promise<KilnError> {
  let usage = '';
  try {
    const est = await navigator.storage?.estimate?.();
    if (est?.quota !== undefined) usage = `; this origin uses ${mb(est.usage ?? 0)} of its ${mb(est.quota)} quota`;
  } catch {}
  return new KilnError('E_QUOTA',
    `no room to cache '${url}' (${mb(bytes)})${usage}. Free space with evictCachedModel()/clearModelCache(), or load with cache: false`,
    { url, bytes }, { cause });
}

const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
