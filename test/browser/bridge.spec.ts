/**
 * The remote backend from a Chromium page: the page (http://127.0.0.1:8765, cross-origin isolated) calls
 * a `kiln host` on another port with CORS and the bearer token, for hosts on the `ort` and `kiln` engines,
 * and gets the local reference result. A wrong token, or a host that does not allow the page's origin,
 * makes the session fall back to the reference backend with the reason recorded.
 */
import { expect, test, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../src/index.js';
import { startHost, type RunningHost } from '../../src/bridges/host/index.js';
import type { BridgeCase } from './pages/bridge-entry.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const PAGE_ORIGIN = 'http://127.0.0.1:8765';
const TOKEN = 'browser-token-0123456789abcdef';
const CASE = '/shared/conformance/onnx/node/test_add';

test.describe.configure({ mode: 'serial' });
let page: Page;
const hosts: Record<string, RunningHost> = {};

test.beforeAll(async ({ browser }) => {
  await build({
    entryPoints: [`${ROOT}test/browser/pages/bridge-entry.ts`], outfile: `${ROOT}dist/bridge-test/bridge-entry.js`,
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', sourcemap: 'inline', external: ['node:*'], logLevel: 'error',
  });
  const repo = mkdtempSync(join(tmpdir(), 'kiln-bridge-'));
  mkdirSync(join(repo, 'add', '1'), { recursive: true });
  copyFileSync(`${ROOT}../shared/conformance/onnx/node/test_add/model.onnx`, join(repo, 'add', '1', 'model.onnx'));
  hosts.ort = await startHost({ repo, token: TOKEN, port: 0, engine: 'ort', allowOrigins: [PAGE_ORIGIN] });
  hosts.kiln = await startHost({ repo, token: TOKEN, port: 0, engine: 'kiln', allowOrigins: [PAGE_ORIGIN] });
  hosts.closed = await startHost({ repo, token: TOKEN, port: 0, engine: 'ort' });
  page = await browser.newPage();
  page.on('pageerror', (e) => console.log(`pageerror: ${e.message}`));
  await page.goto('/test/browser/pages/bridge.html');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
});

test.afterAll(async () => {
  await page?.close();
  for (const h of Object.values(hosts)) await h.close();
});

const run = (c: BridgeCase) => page.evaluate((arg) => (globalThis as unknown as { kilnBridge: { runCase(c: BridgeCase): Promise<any> } }).kilnBridge.runCase(arg), c);

for (const engine of ['ort', 'kiln'] as const) {
  for (const binary of [true, false]) {
    test(`remote (${engine} engine, ${binary ? 'binary' : 'JSON'}) from a page equals the local reference result`, async () => {
      const r = await run({ url: hosts[engine]!.url, token: TOKEN, model: 'add', caseDir: CASE, binary });
      expect(r.isolated).toBe(true);
      expect(r.fallbacks).toEqual([]);
      expect(Object.keys(r.summary)[0]).toMatch(/^remote:127\.0\.0\.1:\d+\/add(#\d+)?$/);
      expect(r.engine).toMatchObject({ name: engine });
      expect(r.diffLocal).toBe(0);
      expect(r.diffExpected).toBe(0);
    });
  }
}

test('a wrong token: falls back to the reference backend, the 401 recorded', async () => {
  const r = await run({ url: hosts.ort!.url, token: 'not-the-token-0123456789', model: 'add', caseDir: CASE });
  expect(r.summary).toEqual({ reference: 1 });
  expect(Object.values(r.declined)[0]).toMatch(/HTTP 401/);
  expect(r.diffExpected).toBe(0);
});

test('a host that does not allow this origin: the browser blocks it, the session falls back', async () => {
  const r = await run({ url: hosts.closed!.url, token: TOKEN, model: 'add', caseDir: CASE });
  expect(r.summary).toEqual({ reference: 1 });
  expect(r.fallbacks[0].reason).toMatch(/health\/live: Failed to fetch/);
});
