/**
 * Kiln Chat in a Chromium without a WebGPU adapter (launched without --enable-unsafe-webgpu): WebGPU
 * picked in the backend switch cannot run, so the app falls back to wasm, says why, and marks WebGPU
 * unavailable in the switch.
 */
import { expect, test } from '@playwright/test';
import { addModel, buildChat, openChat, send } from './pages/chat-app.js';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  },
});

test.beforeAll(async () => {
  await buildChat();
});

test('WebGPU asked for where there is no adapter: wasm runs the model and the app says why', async ({ page }) => {
  const errors = await openChat(page);
  expect(await page.evaluate(async () => (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter() ?? null)).toBeNull();
  await addModel(page);
  await page.selectOption('#backend', 'webgpu');
  await expect(page.locator('.notice[data-key="backend"]')).toContainText(/WebGPU is not used \(.+\)\. Running on wasm/);
  await expect(page.locator('#backend-badge')).toHaveText('wasm');
  await expect(page.locator('#backend option[value="webgpu"]')).toContainText('(unavailable)');
  expect((await send(page, 'Once upon a time')).length).toBeGreaterThan(10);
  await expect(page.locator('.msg.assistant .stats').last()).toContainText('wasm');
  expect(errors).toEqual([]);
});
