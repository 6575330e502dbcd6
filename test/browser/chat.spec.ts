/**
 * Kiln Chat (demo/chat), built as `npm run build:demo` builds it, in Debian's Chromium: the first visit
 * with the network (the sample model, a streamed reply, a screenshot), then the same page offline (app,
 * stored model and conversation all there, and a new reply), and the installability checks a
 * Lighthouse PWA audit makes (manifest fields and icons, a service worker that controls the page and
 * answers the start URL offline, Chromium's own installability verdict).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { addModel, APP, buildChat, controlled, messages, notices, openChat, send } from './pages/chat-app.js';

test.beforeAll(async () => {
  await buildChat();
});

test('first visit: load the sample, get a streamed reply; then offline: app, model and conversation are there', async ({ page, context }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 820 });
  const errors = await openChat(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await addModel(page);
  await expect(page.locator('#models li')).toHaveCount(1);
  await expect(page.locator('#models li')).toContainText('stories260K.gguf');
  await expect(page.locator('#models li')).toContainText('1.1 MB');
  // Auto: this Chromium's WebGPU adapter is SwiftShader, a software fallback, so wasm runs the model and the app says why.
  await expect(page.locator('#backend-badge')).toHaveText('wasm');
  expect((await notices(page)).join('\n')).toMatch(/WebGPU is not used \(its GPU adapter is a software fallback, slower than the CPU kernels\)\. Running on wasm/);
  await expect(page.locator('#backend option[value="webgpu"]')).toContainText('(software GPU)');
  // stories260K has no chat template: the app says so and completes the text instead.
  expect((await notices(page)).join('\n')).toMatch(/no chat template: it is not a chat model/);

  // Watch the reply grow token by token while it streams.
  await page.evaluate(() => {
    const w = window as unknown as { lengths: number[] };
    w.lengths = [];
    new MutationObserver(() => {
      const b = document.querySelector('.msg.streaming .body');
      if (b) w.lengths.push((b.textContent ?? '').length);
    }).observe(document.getElementById('messages')!, { childList: true, subtree: true, characterData: true });
  });
  const answer = await send(page, 'Once upon a time');
  expect(answer.length).toBeGreaterThan(20);
  const lengths = await page.evaluate(() => (window as unknown as { lengths: number[] }).lengths);
  expect(new Set(lengths.filter((n) => n > 0)).size).toBeGreaterThan(3);
  await expect(page.locator('.msg.assistant .stats')).toContainText(/\d+ tokens · [\d.]+ tok\/s · context \d+\/2048 · (webgpu|wasm|reference) · raw completion/);
  await page.screenshot({ path: testInfo.outputPath('chat-first-visit.png') });
  if (process.env.KILN_UPDATE_SCREENSHOT) copyFileSync(testInfo.outputPath('chat-first-visit.png'), resolve(import.meta.dirname, '../../docs/chat.png'));
  const before = await messages(page);
  expect(before.map((m) => m.role)).toEqual(['user', 'assistant']);

  // Offline: the service worker serves the app, OPFS the model, IndexedDB the conversation.
  await controlled(page);
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await expect(page.locator('#net')).toHaveText('Offline');
  await page.waitForSelector('body[data-model="loaded"]');
  expect(await messages(page)).toEqual(before);
  await expect(page.locator('#conversations li')).toHaveCount(1);
  const offline = await send(page, 'The little dog');
  expect(offline.length).toBeGreaterThan(20);
  expect((await messages(page)).length).toBe(4);
  await page.screenshot({ path: testInfo.outputPath('chat-offline.png') });
  expect(errors).toEqual([]);
});

test('PWA checks: manifest, icons, service worker in control, offline start, installable', async ({ baseURL }, testInfo) => {
  // A persistent profile: Chromium does not offer to install apps in incognito contexts (Playwright's default).
  const profile = mkdtempSync(join(tmpdir(), 'kiln-chat-pwa-'));
  const context = await chromium.launchPersistentContext(profile, { ...testInfo.project.use.launchOptions, baseURL });
  try {
    await pwaChecks(context);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

async function pwaChecks(context: import('@playwright/test').BrowserContext): Promise<void> {
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = await openChat(page);
  // What a Lighthouse PWA audit looks at in the document.
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  expect(await page.getAttribute('meta[name=viewport]', 'content')).toContain('width=device-width');
  expect(await page.getAttribute('meta[name=theme-color]', 'content')).toMatch(/^#[0-9a-f]{6}$/i);
  const manifestUrl = await page.evaluate(() => (document.querySelector('link[rel=manifest]') as HTMLLinkElement).href);
  expect(manifestUrl).toMatch(/\/demo\/dist\/chat\/manifest\.webmanifest$/);

  await controlled(page);
  const m = await page.evaluate(async (url) => {
    const res = await fetch(url);
    return { type: res.headers.get('content-type'), json: await res.json() };
  }, manifestUrl);
  expect(m.json).toMatchObject({ name: 'Kiln Chat', short_name: 'Kiln Chat', display: 'standalone', start_url: './index.html', scope: './' });
  expect(m.json.theme_color).toMatch(/^#/);
  expect(m.json.background_color).toMatch(/^#/);
  const icons = m.json.icons as { src: string; sizes: string; type: string; purpose?: string }[];
  expect(icons.some((i) => i.sizes === '192x192' && i.type === 'image/png')).toBe(true);
  expect(icons.some((i) => i.sizes === '512x512' && i.type === 'image/png' && i.purpose !== 'maskable')).toBe(true);
  expect(icons.some((i) => i.purpose === 'maskable')).toBe(true);
  // Every icon loads and has the size it claims.
  const sizes = await page.evaluate(async ({ icons, base }) => Promise.all(icons.map(async (i) => {
    const blob = await (await fetch(new URL(i.src, base))).blob();
    if (i.type === 'image/svg+xml') return { want: i.sizes, got: blob.size > 0 ? 'any' : 'empty' };
    const img = await createImageBitmap(blob);
    return { want: i.sizes, got: `${img.width}x${img.height}` };
  })), { icons, base: manifestUrl });
  for (const s of sizes) expect(s.got).toBe(s.want);

  // Chromium's own verdict (the same check as its install prompt) and the manifest as it parsed it.
  const cdp = await context.newCDPSession(page);
  const parsed = await cdp.send('Page.getAppManifest');
  expect(parsed.errors).toEqual([]);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors.map((e) => e.errorId)).toEqual([]);

  // Offline start: the start URL is answered by the service worker, and the app boots.
  await context.setOffline(true);
  const start = await page.evaluate(async (u) => {
    const res = await fetch(new URL('./index.html', u), { mode: 'same-origin' });
    return { status: res.status, coep: res.headers.get('cross-origin-embedder-policy') };
  }, manifestUrl);
  expect(start).toEqual({ status: 200, coep: 'require-corp' });
  await page.goto(APP);
  await page.waitForSelector('body[data-ready="true"]');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(errors).toEqual([]);
}

test('the backend switch: WebGPU, wasm and the reference kernels each run the model and say so; light and dark themes', async ({ page }) => {
  const errors = await openChat(page);
  await addModel(page);
  const options = await page.$$eval('#backend option', (os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options.slice(0, 4)).toEqual(['auto', 'webgpu', 'wasm', 'reference']);
  // This Chromium has a (SwiftShader) WebGPU adapter; chat-nogpu.spec.ts covers a browser without one.
  for (const backend of ['webgpu', 'wasm', 'reference']) {
    await page.selectOption('#backend', backend);
    await expect(page.locator('#backend-badge')).toHaveText(backend);
    await page.waitForSelector('body[data-model="loaded"]');
    await expect(page.locator('.notice[data-key="backend"]')).toHaveCount(0);
    expect((await send(page, 'Once upon a time')).length).toBeGreaterThan(10);
    await expect(page.locator('.msg.assistant .stats').last()).toContainText(backend);
  }

  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.click('#theme');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  const light = await bg();
  await page.click('#theme');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await bg()).not.toBe(light);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(errors).toEqual([]);
});
