/**
 * Kiln Chat, the errors a user can meet with models: a stored copy that no longer matches its sha-256
 * (detected at load, offered for download again), a full disk (simulated with Chromium's quota override:
 * shown, and the download works once there is room), a model too big for the memory budget (refused with
 * the plan's numbers; a smaller budget that still holds the weights loads with a shorter context), and a
 * download cut off halfway that resumes after a reload with an HTTP range request.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { addModel, buildChat, notices, openChat, send } from './pages/chat-app.js';

const SAMPLE = readFileSync(resolve(import.meta.dirname, '../../../shared/models/llm/stories260K.gguf'));

test.beforeAll(async () => {
  await buildChat();
});

test('a corrupted stored model is detected and offered for download again', async ({ page }) => {
  const errors = await openChat(page);
  await addModel(page);
  // Flip one byte of the stored copy, straight through OPFS.
  await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('kiln-models');
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (!name.endsWith('.gguf')) continue;
      const h = await dir.getFileHandle(name);
      const at = 700_000;
      const byte = new Uint8Array(await (await h.getFile()).slice(at, at + 1).arrayBuffer())[0]!;
      const w = await h.createWritable({ keepExistingData: true });
      await w.write({ type: 'write', position: at, data: new Uint8Array([byte ^ 0xff]) });
      await w.close();
    }
  });
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  const alert = page.locator('.notice.error');
  await expect(alert).toContainText(/stored copy of stories260K\.gguf is corrupted: .*chunk \d+ \(bytes \d+–\d+\) does not match its sha-256/);
  await expect(page.locator('body')).toHaveAttribute('data-model', 'none');
  await expect(page.locator('#prompt')).toBeDisabled();
  await alert.locator('button[data-action="Download again"]').click();
  await page.waitForSelector('body[data-model="loaded"]');
  expect((await send(page, 'Once upon a time')).length).toBeGreaterThan(10);
  expect(errors).toEqual([]);
});

test('a full disk is reported (E_QUOTA); the download works once there is room; the manager deletes it', async ({ page, context, baseURL }) => {
  const errors = await openChat(page);
  const cdp = await context.newCDPSession(page);
  const origin = new URL(baseURL!).origin;
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  // Room for less than the model's 1.2 MB.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 400_000 });
  await page.click('#add-model');
  await page.click('#add-go');
  const alert = page.locator('.notice.error');
  await expect(alert).toContainText(/Storage is full: not enough storage for 'stories260K\.gguf': 1\.1 MB more are needed .*\(E_QUOTA\)/);
  await expect(alert.locator('button[data-action="Manage models"]')).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-model', 'none');

  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await addModel(page);
  await expect(page.locator('#models li')).toContainText('1.1 MB');
  // The model manager deletes it again (after a confirmation), and the space is given back.
  await page.locator('#models li button.delete').click();
  await expect(page.locator('#models li')).toHaveCount(0);
  await expect(page.locator('body')).toHaveAttribute('data-model', 'none');
  await expect(page.locator('#prompt')).toBeDisabled();
  expect(errors).toEqual([]);
});

test('a model too big for the memory budget is refused with numbers; a tighter context fits', async ({ page }) => {
  const errors = await openChat(page);
  // Settings dialog: a 1 MiB budget holds not even the weights.
  await page.click('#settings-open');
  await page.fill('#s-budgetMiB', '1');
  await page.locator('#s-budgetMiB').dispatchEvent('change');
  await page.click('#settings-close');
  await page.click('#add-model');
  await page.click('#add-check');
  await expect(page.locator('#plan')).toContainText(/Too big for this device\..*needs 4\.\d MB .* of a 1\.0 MB budget/);
  await expect(page.locator('#plan')).toContainText('the weights alone need');
  await page.click('#add-close');
  // Adding it anyway without checking first: refused with a notice that offers to go ahead.
  await page.click('#add-model');
  await page.click('#add-go');
  await expect(page.locator('.notice.error')).toContainText('This model is too big for this device');
  await expect(page.locator('.notice.error button[data-action="Download anyway"]')).toBeVisible();
  expect(await page.locator('#models li').count()).toBe(0);

  // 3 MiB: the weights fit, the 2048-token KV cache does not: it loads with the context the plan suggests.
  await page.click('#settings-open');
  await page.fill('#s-budgetMiB', '3');
  await page.locator('#s-budgetMiB').dispatchEvent('change');
  await page.click('#settings-close');
  await addModel(page);
  await expect(page.locator('#model-name')).toContainText('768-token context');
  expect((await notices(page)).join('\n')).toContain('it loads with 768 tokens');
  expect(errors).toEqual([]);
});

test('a download cut off halfway resumes after a reload, with a range request', async ({ page, context }) => {
  // The app's own download requests (no Range, or an open-ended one); LLM.plan's header reads have an end.
  const downloads: (string | null)[] = [];
  await context.route('**/models/stories260K.gguf', async (route) => {
    const range = route.request().headers()['range'] ?? null;
    const headers = { 'Cross-Origin-Resource-Policy': 'same-origin', ETag: '"stories-1"', 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
    const m = /^bytes=(\d+)-(\d*)$/.exec(range ?? '');
    if (!m || !m[2]) downloads.push(range);
    if (m) {
      const from = Number(m[1]);
      const to = m[2] ? Math.min(Number(m[2]), SAMPLE.length - 1) : SAMPLE.length - 1;
      return route.fulfill({ status: 206, body: SAMPLE.subarray(from, to + 1), headers: { ...headers, 'Content-Range': `bytes ${from}-${to}/${SAMPLE.length}` } });
    }
    if (downloads.length === 1) {
      // The connection drops after 300 kB of the 1.2 MB it announced.
      return route.fulfill({ status: 200, body: SAMPLE.subarray(0, 300_000), headers: { ...headers, 'Content-Length': String(SAMPLE.length) } });
    }
    return route.fulfill({ status: 200, body: SAMPLE, headers });
  });
  // 64 KiB chunks: 4 whole chunks (262,144 bytes) are committed before the cut.
  const errors = await openChat(page, '?chunkKiB=64');
  await page.click('#add-model');
  await page.click('#add-go');
  await expect(page.locator('.notice.error')).toContainText('Could not store stories260K.gguf');
  await expect(page.locator('#models li')).toContainText('256 KB of 1.1 MB (incomplete)');

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await expect(page.locator('#models li')).toContainText('(incomplete)');
  await page.click('#models li button.resume');
  await page.waitForSelector('body[data-model="loaded"]');
  expect(downloads).toEqual([null, 'bytes=262144-']);
  await expect(page.locator('#models li')).not.toContainText('incomplete');
  // Loading checked every chunk's sha-256, so the joined file is the original.
  expect((await send(page, 'Once upon a time')).length).toBeGreaterThan(10);
  expect(errors).toEqual([]);
});
