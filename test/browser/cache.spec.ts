/**
 * The model cache in Chromium's IndexedDB: a second load makes no request for the model, a corrupted
 * chunk is caught by its sha-256 and the model is fetched again, a full disk is a KilnError E_QUOTA
 * that does not fail the load, and list/evict work. Small chunks (4 KiB) so every model spans several.
 */
import { expect, test } from '@playwright/test';
import { MODELS, openEsm, serveModels, type KilnWindow } from './helpers.js';

let hits: Map<string, number>;

test.beforeEach(async ({ page, context }) => {
  hits = await serveModels(context);
  await openEsm(page);
});

/** Loads /gen/<name>.onnx (in a worker, cached in 4 KiB chunks), runs it once, and reports. */
async function loadAndRun(page: import('@playwright/test').Page, name: 'sample' | 'long', extra: Record<string, unknown> = {}) {
  return page.evaluate(async ({ name, extra }) => {
    const { InferenceSession, Tensor } = (window as unknown as KilnWindow).kiln;
    const progress: { loaded: number; total?: number; source: string }[] = [];
    const s = await InferenceSession.create(`/gen/${name}.onnx`, { cache: { chunkBytes: 4096 }, onProgress: (p) => progress.push(p), ...extra });
    const feeds: Record<string, InstanceType<typeof Tensor>> = name === 'sample'
      ? { image: new Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.25), [1, 3, 64, 64]) }
      : { x: new Tensor('float32', new Float32Array(2048 * 384).fill(0.01), [2048, 384]) };
    const out = await s.run(feeds);
    const first = out[s.outputNames[0]!]!.data as Float32Array;
    const info = s.loadInfo;
    await s.release();
    return { info, progress, out: Array.from(first.subarray(0, 8)) };
  }, { name, extra });
}

/** Number of values (manifests and chunks) in the cache's object store. */
const stored = (page: import('@playwright/test').Page) => page.evaluate(() => new Promise<number>((resolve, reject) => {
  const open = indexedDB.open('kiln-model-cache');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const req = open.result.transaction('v1').objectStore('v1').count();
    req.onsuccess = () => resolve(req.result);
  };
}));

const cached = (page: import('@playwright/test').Page) =>
  page.evaluate(async () => (await (window as unknown as KilnWindow).kiln.listCachedModels()).map((m) => ({ url: m.url, size: m.size, chunks: m.chunks })));

test('a second load hits the cache: no request for the model; list and evict', async ({ page }) => {
  const first = await loadAndRun(page, 'sample');
  expect(hits.get('sample')).toBe(1);
  expect(first.info).toMatchObject({ source: 'network', refetched: false, bytes: MODELS.sample.byteLength, worker: true });
  expect(first.info.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(first.progress.at(-1)).toMatchObject({ loaded: MODELS.sample.byteLength, total: MODELS.sample.byteLength, source: 'network' });

  const second = await loadAndRun(page, 'sample');
  expect(hits.get('sample')).toBe(1);
  expect(second.info).toMatchObject({ source: 'cache', refetched: false, hash: first.info.hash });
  expect(second.out).toEqual(first.out);
  const fromCache = second.progress.filter((p) => p.source === 'cache');
  expect(fromCache.length).toBe(Math.ceil(MODELS.sample.byteLength / 4096));
  expect(fromCache.at(-1)).toMatchObject({ loaded: MODELS.sample.byteLength, total: MODELS.sample.byteLength });

  const list = await cached(page);
  expect(list).toEqual([{ url: 'http://127.0.0.1:8765/gen/sample.onnx', size: MODELS.sample.byteLength, chunks: Math.ceil(MODELS.sample.byteLength / 4096) }]);
  const evicted = await page.evaluate(() => (window as unknown as KilnWindow).kiln.evictCachedModel('/gen/sample.onnx'));
  expect(evicted).toBe(true);
  expect(await cached(page)).toEqual([]);
  expect(await stored(page)).toBe(0);
  await loadAndRun(page, 'sample');
  expect(hits.get('sample')).toBe(2);
});

test('a corrupted cache entry is detected by its sha-256 and fetched again', async ({ page }) => {
  const first = await loadAndRun(page, 'sample');
  // Flip one byte in the middle chunk, straight through IndexedDB.
  const corrupted = await page.evaluate(() => new Promise<string>((resolve, reject) => {
    const open = indexedDB.open('kiln-model-cache');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const store = open.result.transaction('v1', 'readwrite').objectStore('v1');
      const keys = store.getAllKeys();
      keys.onsuccess = () => {
        const chunks = (keys.result as string[]).filter((k) => k.startsWith('chunk:'));
        const key = chunks[chunks.length >> 1]!;
        const get = store.get(key);
        get.onsuccess = () => {
          const bytes = get.result as Uint8Array;
          bytes[100] = bytes[100]! ^ 0xff;
          store.put(bytes, key).onsuccess = () => resolve(key);
        };
      };
    };
  }));
  expect(corrupted).toMatch(/^chunk:/);
  const second = await loadAndRun(page, 'sample');
  expect(hits.get('sample')).toBe(2);
  expect(second.info).toMatchObject({ source: 'network', refetched: true, hash: first.info.hash });
  expect(second.out).toEqual(first.out);
  const third = await loadAndRun(page, 'sample');
  expect(hits.get('sample')).toBe(2);
  expect(third.info).toMatchObject({ source: 'cache', refetched: false });
});

test('a full disk is a KilnError E_QUOTA in loadInfo; the load still succeeds and nothing half-written stays', async ({ page }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: 'http://127.0.0.1:8765', quotaSize: 64 * 1024 });
  const r = await loadAndRun(page, 'long');
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: 'http://127.0.0.1:8765' });
  expect(r.info.source).toBe('network');
  expect(r.info.cacheError?.code).toBe('E_QUOTA');
  expect(r.info.cacheError?.message).toMatch(/no room to cache .*long\.onnx.*cache: false/);
  expect(r.out.length).toBe(8);
  expect(await stored(page)).toBe(0);
});

test('cache: false stores nothing, and an aborted load rejects with E_ABORTED', async ({ page }) => {
  const r = await loadAndRun(page, 'sample', { cache: false });
  expect(r.info).toMatchObject({ source: 'network' });
  expect(r.info.hash).toBeUndefined();
  expect(await cached(page)).toEqual([]);
  const code = await page.evaluate(async () => {
    const { InferenceSession, KilnError } = (window as unknown as KilnWindow).kiln;
    try {
      await InferenceSession.create('/gen/sample.onnx', { signal: AbortSignal.abort() });
      return 'loaded';
    } catch (e) {
      return e instanceof KilnError ? e.code : String(e);
    }
  });
  expect(code).toBe('E_ABORTED');
});
