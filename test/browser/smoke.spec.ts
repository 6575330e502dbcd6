import { expect, test } from '@playwright/test';

test('the ES build loads an ONNX model by URL and runs it in Chromium', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/test/browser/pages/smoke.html');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  const r = await page.evaluate(() => (window as unknown as { runSmoke: () => Promise<Record<string, unknown>> }).runSmoke());
  expect(errors).toEqual([]);
  expect(r.inputs).toEqual(['x', 'y']);
  expect(r.dims).toEqual([3, 4, 5]);
  expect(r.first).toEqual([1, 2, 3]);
  expect(r.progress).toBeGreaterThan(0);
  expect(r.isolated).toBe(true);
  expect(r.malformed).toBe('E_MODEL_MALFORMED');
});
