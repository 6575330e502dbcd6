/**
 * Feature detection, done once, in one frozen object (Transformers.js does the same with `apis`). Every
 * "can this environment do X" question in src/workers and src/cache reads it.
 */
const g = globalThis as Record<string, unknown> & typeof globalThis;

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';
/** True inside a dedicated worker (ours or the caller's). */
const inWorker = typeof g.WorkerGlobalScope === 'function' && g instanceof (g.WorkerGlobalScope as typeof Object);

export const FEATURES = Object.freeze({
  node: isNode,
  inWorker,
  /** The main thread of a page: the one place a session moves into a worker by default. */
  browserMainThread: !isNode && !inWorker && typeof document !== 'undefined',
  worker: typeof Worker === 'function',
  indexedDB: typeof indexedDB !== 'undefined',
  webCrypto: typeof crypto !== 'undefined' && typeof crypto.subtle?.digest === 'function',
  /** SharedArrayBuffer works (the page is cross-origin isolated): aborts reach a busy worker at once. */
  sharedMemory: typeof SharedArrayBuffer === 'function' && (isNode || g.crossOriginIsolated === true),
  webgpu: typeof navigator !== 'undefined' && 'gpu' in navigator,
  wasmSimd: wasmValidates([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]),
});

export type Features = typeof FEATURES;

function wasmValidates(bytes: number[]): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
}

