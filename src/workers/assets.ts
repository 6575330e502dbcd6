/**
 * Where the worker script and .wasm files are. By default they sit next to the script that loaded Kiln:
 *
 *   dist/browser/kiln.min.js   (script tag)   → document.currentScript, read while the script runs
 *   dist/browser/kiln.js       (ES module)    → import.meta.url
 *   dist/workers/assets.js     (tsc output)   → ../browser/ (the bundles are built there)
 *
 * `assetBase` overrides the folder; `worker` (a URL or a factory) overrides the worker alone. Bundlers
 * that move modules around (Vite's dependency pre-bundling, for one) need one of the two.
 */
import { KilnError } from '../engine/errors.js';

export const WORKER_FILE = 'kiln.worker.js';

/** How to get a worker: a script URL, or a factory (e.g. Vite's `new Worker(new URL(...), …)`). */
export type WorkerSpec = string | URL | (() => Worker);

/** The loading script's URL, captured at evaluation (document.currentScript is only set then). */
const SCRIPT_URL: string | undefined = (() => {
  if (typeof document !== 'undefined') {
    const cs = document.currentScript as HTMLScriptElement | null;
    if (cs?.src) return cs.src;
  }
  try {
    return import.meta.url;
  } catch {
    return undefined;
  }
})();

/** The folder of Kiln's assets (ends with '/'), or undefined when it cannot be told. */
export function assetBase(override?: string | URL): string | undefined {
  const page = typeof location !== 'undefined' ? location.href : undefined;
  if (override !== undefined) {
    const u = new URL(String(override), page).href;
    return u.endsWith('/') ? u : `${u}/`;
  }
  if (!SCRIPT_URL || !/^(https?|file|blob):/i.test(SCRIPT_URL)) return undefined;
  if (/\/workers\/assets\.js(\?.*)?$/.test(SCRIPT_URL)) return new URL('../browser/', SCRIPT_URL).href;
  return new URL('./', SCRIPT_URL).href;
}

/** Starts a worker. Cross-origin scripts (a CDN) start through a same-origin blob that imports them. */
export function spawnWorker(spec: WorkerSpec | undefined, base: string | undefined): { worker: Worker; url: string } {
  if (typeof spec === 'function') return { worker: spec(), url: '(factory)' };
  const page = typeof location !== 'undefined' ? location.href : undefined;
  let url: string;
  if (spec !== undefined) url = new URL(String(spec), page).href;
  else if (base !== undefined) url = new URL(WORKER_FILE, base).href;
  else {
    throw new KilnError('E_BACKEND_UNAVAILABLE',
      `cannot tell where ${WORKER_FILE} is (Kiln was not loaded from a script URL): pass { assetBase: '/path/to/kiln/' } or { worker: url }, or { worker: false } to run in this thread`);
  }
  const sameOrigin = typeof location === 'undefined' || new URL(url).origin === location.origin;
  if (sameOrigin) return { worker: new Worker(url, { name: 'kiln' }), url };
  const trampoline = URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(url)});`], { type: 'text/javascript' }));
  try {
    return { worker: new Worker(trampoline, { name: 'kiln' }), url };
  } finally {
    setTimeout(() => URL.revokeObjectURL(trampoline), 10_000);
  }
}
