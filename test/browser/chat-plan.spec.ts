/**
 * Kiln Chat plans a GGUF of more than 2 GB (a sparse 4.5 GB Llama-8B-shaped Q4_0 file written by the
 * bench writer) from its URL before downloading anything: LLM.plan in the worker reads the header with
 * range requests only, the dialog shows the plan's numbers, and "Download and load" is not started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SHAPES, writeSynthGguf } from '../../scripts/gguf-synth.js';
import { buildChat, openChat } from './pages/chat-app.js';

let dir: string;
let file: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  await buildChat();
  dir = mkdtempSync(join(tmpdir(), 'kiln-chat-plan-'));
  file = join(dir, 'synthetic-8b-q4_0.gguf');
  await writeSynthGguf(file, SHAPES['llama-8b']!, 'q4_0', { sparse: true });
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a 4.5 GB GGUF is planned from its URL with header range requests only', async ({ page, context }) => {
  const fh: FileHandle = await open(file, 'r');
  const size = (await fh.stat()).size;
  expect(size).toBeGreaterThan(2 ** 32);
  const requests: (string | null)[] = [];
  let served = 0;
  await context.route('**/models/synthetic-8b-q4_0.gguf', async (route) => {
    const range = route.request().headers()['range'] ?? null;
    requests.push(range);
    const headers = { 'Cross-Origin-Resource-Policy': 'same-origin', 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
    const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
    // Only bounded ranges are answered: a whole-file read would be a failure of this test, not a 4.5 GB body.
    if (!m) return route.fulfill({ status: 416, headers });
    const from = Number(m[1]);
    const to = Math.min(Number(m[2]), size - 1);
    const body = Buffer.alloc(to - from + 1);
    await fh.read(body, 0, body.length, from);
    served += body.length;
    return route.fulfill({ status: 206, body, headers: { ...headers, 'Content-Range': `bytes ${from}-${to}/${size}` } });
  });
  try {
    const errors = await openChat(page);
    await page.click('#add-model');
    await page.fill('#add-url', '/models/synthetic-8b-q4_0.gguf');
    await page.click('#add-check');
    const plan = page.locator('#plan');
    await expect(plan).not.toContainText('Reading the model’s header', { timeout: 60_000 });
    await expect(plan).toContainText(/\(llama\), 4\.\d GB: needs [\d.]+ GB \(weights 4\.\d GB, KV cache [\d.]+ [MG]B for \d+ tokens\)/);
    await expect(plan).toContainText(/Fits this device\.|Too big for this device\./);
    await page.click('#add-close');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r !== null && /^bytes=\d+-\d+$/.test(r))).toBe(true);
    expect(served).toBeLessThan(16 << 20);
    expect(await page.locator('#models li').count()).toBe(0);
    expect(errors).toEqual([]);
  } finally {
    await fh.close();
  }
});
