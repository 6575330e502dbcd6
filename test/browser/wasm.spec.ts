/**
 * The wasm op tests in headless Chromium: every case of test/wasm/cases against the reference backend,
 * on the SIMD, relaxed-SIMD, threads and relaxed-SIMD + threads builds (the page is cross-origin isolated), and the fallback to
 * one thread, with the reason, when the page is not.
 */
import { expect, test } from '@playwright/test';
import { build } from 'vite';

test.beforeAll(async () => {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: 'dist/wasm-test',
      emptyOutDir: true,
      minify: false,
      lib: { entry: 'test/browser/pages/wasm-entry.ts', formats: ['es'], fileName: () => 'wasm-entry.js' },
      rolldownOptions: { external: [/^node:/] },
    },
  });
});

type Suite = { cases: number; failures: string[]; notes: string[]; threads: number; build: string; features: { relaxedSimd: boolean; sharedMemory: boolean } };

async function suite(page: import('@playwright/test').Page, opts: Record<string, unknown>): Promise<Suite> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/test/browser/pages/wasm.html');
  await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
  const r = await page.evaluate((o) => (globalThis as unknown as { runWasmSuite: (o: unknown) => Promise<Suite> }).runWasmSuite(o), opts);
  expect(errors).toEqual([]);
  return r;
}

for (const [label, opts] of [
  ['SIMD, 1 thread', { build: 'simd', numThreads: 1 }],
  ['relaxed SIMD, 1 thread', { build: 'relaxed', numThreads: 1 }],
  ['threads, 3 threads', { build: 'threads', numThreads: 3, minParallelWork: 0 }],
  ['relaxed SIMD + threads, 3 threads', { build: 'relaxed-threads', numThreads: 3, minParallelWork: 0 }],
] as const) {
  test(`wasm ops in Chromium: ${label}`, async ({ page }) => {
    const r = await suite(page, opts);
    expect(r.cases).toBeGreaterThan(100);
    expect(r.failures).toEqual([]);
    expect(r.build).toBe(opts.build);
    expect(r.threads).toBe(opts.numThreads);
  });
}

test('without cross-origin isolation the wasm backend runs single-threaded and says why', async ({ page }) => {
  // Serve every response without COOP/COEP: no SharedArrayBuffer.
  await page.route('**/*', async (route) => {
    const res = await route.fetch();
    const headers = { ...res.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response: res, headers });
  });
  await page.goto('/test/browser/pages/wasm.html');
  await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
  const info = await page.evaluate(() => (globalThis as unknown as { backendInfo: (o: unknown) => Promise<{ notes: string[]; threads: number; build: string; sum: number }> }).backendInfo({ numThreads: 2 }));
  expect(info.threads).toBe(1);
  expect(info.build).toMatch(/^(simd|relaxed)$/);
  expect(info.notes.join(' ')).toMatch(/single-threaded.*cross-origin isolated/);
  expect(info.sum).toBe(435); // relu of -30..29
});
