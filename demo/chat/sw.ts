/**
 * Kiln Chat's service worker. The build (pwa-plugin.ts) prepends the list of every file it wrote
 * (PRECACHE: HTML, JS, the worker bundles, .wasm, CSS, icons, manifest) and a VERSION hashed from their
 * contents, so a new build is a new sw.js and the browser installs it.
 *
 * - install: every file is fetched into the cache `kiln-chat-<VERSION>`.
 * - activate: older kiln-chat caches go; the worker takes control of open pages at once.
 * - fetch: a navigation in scope is answered with the cached index.html, a precached file from the
 *   cache (network if missing); anything else — model downloads, range requests — goes to the
 *   network untouched. Models live in OPFS, not here.
 *
 * Cached responses keep the headers they were served with, COOP/COEP included, so the page stays
 * cross-origin isolated when it starts offline.
 */
declare const PRECACHE: readonly string[];
declare const VERSION: string;

interface ExtendableEvt extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvt extends ExtendableEvt {
  readonly request: Request;
  respondWith(r: Promise<Response> | Response): void;
}
interface SwScope {
  readonly registration: { readonly scope: string };
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', f: (e: ExtendableEvt) => void): void;
  addEventListener(type: 'fetch', f: (e: FetchEvt) => void): void;
}

const sw = self as unknown as SwScope;
const CACHE = `kiln-chat-${VERSION}`;
const scope = sw.registration.scope;
const INDEX = new URL('index.html', scope).href;
const files = new Set(PRECACHE.map((f) => new URL(f, scope).href));

sw.addEventListener('install', (e) => {
  e.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll([...files].map((u) => new Request(u, { cache: 'reload' })));
    await sw.skipWaiting();
  })());
});

sw.addEventListener('activate', (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k.startsWith('kiln-chat-') && k !== CACHE) await caches.delete(k);
    await sw.clients.claim();
  })());
});

sw.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || req.headers.has('range')) return;
  const url = new URL(req.url);
  url.hash = '';
  const navigation = req.mode === 'navigate' && url.href.startsWith(scope);
  url.search = '';
  const key = navigation ? INDEX : url.href;
  if (!files.has(key)) return;
  e.respondWith((async () => {
    const hit = await caches.match(key, { cacheName: CACHE });
    if (hit) return hit;
    return fetch(req);
  })());
});
