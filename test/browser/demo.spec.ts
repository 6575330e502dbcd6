/**
 * The demo page, as `npm run build:demo` builds it (built here first when demo/ or src/ changed since):
 * loads the bundled sample model, runs it, shows outputs, placement and per-op timing, and benches it
 * against onnxruntime-web. Screenshots are saved as test artifacts.
 */
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { buildIfStale } from './build-if-stale.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILT = join(ROOT, 'demo/dist/index.html');

test.beforeAll(async () => {
  await buildIfStale(join(ROOT, 'demo/vite.config.ts'), BUILT, [join(ROOT, 'demo'), join(ROOT, 'src')]);
});

test('the demo loads the sample model, runs it and shows results', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto('/demo/dist/index.html');
  await page.waitForSelector('body[data-ready="true"]');
  await expect(page.locator('#backends input')).toHaveCount(await page.evaluate(() => document.querySelectorAll('#backends input').length));
  await page.click('#load');
  await expect(page.locator('#error')).toBeHidden();
  await expect(page.locator('#run')).toBeEnabled({ timeout: 30_000 });
  await expect(page.locator('#load-status')).toContainText('in a worker');
  await page.fill('#runs', '3');
  await page.click('#run');
  await page.waitForSelector('body[data-ran="1"]');
  expect(errors).toEqual([]);
  await expect(page.locator('#error')).toBeHidden();
  await expect(page.locator('#outputs')).toContainText('probs float32[1, 10]');
  await expect(page.locator('#outputs table tbody tr')).toHaveCount(5);
  // Node and op-type counts follow the engine's fusion passes; the page must agree with itself.
  const summary = await page.locator('#placement p').textContent();
  const nodes = Number(/reference: (\d+) nodes/.exec(summary ?? '')?.[1]);
  expect(nodes).toBeGreaterThan(5);
  await expect(page.locator('#placement table tbody tr')).toHaveCount(nodes);
  const opTypes = await page.locator('#op-table tbody tr').count();
  expect(opTypes).toBeGreaterThan(3);
  await expect(page.locator('#op-chart svg rect')).toHaveCount(opTypes);
  await expect(page.locator('#op-table')).toContainText('Conv');
  await expect(page.locator('#timings')).toContainText('steady run (median of 3)');
  await page.screenshot({ path: testInfo.outputPath('demo-run.png'), fullPage: true });
  await testInfo.attach('demo-run', { path: testInfo.outputPath('demo-run.png'), contentType: 'image/png' });

  await page.click('button[data-tab="bench"]');
  await page.fill('#bench-runs', '3');
  await page.click('#bench-run');
  await page.waitForSelector('body[data-benched="true"]', { timeout: 60_000 });
  await expect(page.locator('#error')).toBeHidden();
  const rows = page.locator('#bench-table tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('onnxruntime-web (wasm');
  const diff = Number(await rows.nth(1).locator('td').last().textContent());
  expect(diff).toBeLessThan(1e-4);
  await page.screenshot({ path: testInfo.outputPath('demo-bench.png'), fullPage: true });
  await testInfo.attach('demo-bench', { path: testInfo.outputPath('demo-bench.png'), contentType: 'image/png' });
});
