/**
 * The LLM worker behind Kiln Chat, through its page-side proxy (LLMWorker, src/workers/llm-proxy.ts):
 * a device lost mid-answer moves the model to the next backend and the answer carries on — the same
 * greedy tokens as a run on the reference backend; errors keep their KilnError code
 * across the worker; an aborted answer ends with finishReason 'abort' and the tokens so far.
 */
import { expect, test } from '@playwright/test';
import { build } from 'vite';

const MODEL = '/shared/models/llm/stories260K.gguf';

test.beforeAll(async () => {
  await build({
    configFile: false,
    root: 'test/browser/pages',
    base: './',
    logLevel: 'error',
    worker: { format: 'es' },
    build: {
      outDir: '../../../dist/chat-worker-test', emptyOutDir: true, minify: false, target: 'es2022',
      rolldownOptions: { input: 'test/browser/pages/chat-worker.html', external: [/^node:/] },
    },
  });
});

type Api = { chatWorkerTests: Record<string, (...a: unknown[]) => Promise<any>> };

async function open(page: import('@playwright/test').Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/dist/chat-worker-test/chat-worker.html');
  await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
  return errors;
}

test('a device lost mid-answer: the worker moves to the next backend and the answer carries on', async ({ page }) => {
  const errors = await open(page);
  const r = await page.evaluate((m) => (window as unknown as Api).chatWorkerTests.fallback!(m), MODEL);
  expect(r.loadedOn).toBe('webgpu');
  expect(r.fallbacks).toEqual([{ from: 'webgpu', to: 'wasm', reason: 'the GPU device was lost (simulated)' }]);
  expect(r.flaky.result.backend).toBe('wasm');
  expect(r.flaky.ids).toHaveLength(40);
  // WebGPU's tokens before the loss, then wasm's: the same greedy tokens as a run on the reference kernels.
  expect(r.flaky.ids).toEqual(r.plain.ids);
  expect(r.flaky.text).toBe(r.plain.text);
  expect(r.after.backend).toBe('wasm');
  expect(r.after.fallbacks).toEqual([{ backend: 'webgpu', reason: 'the GPU device was lost (simulated)' }]);
  expect(errors).toEqual([]);
});

test('errors keep their code across the worker; an abort ends the answer with what was produced', async ({ page }) => {
  const errors = await open(page);
  const r = await page.evaluate((m) => (window as unknown as Api).chatWorkerTests.errorsAndAbort!(m), MODEL);
  expect(r.codes).toEqual(['KilnError:E_MODEL_MALFORMED', 'KilnError:E_MODEL_MALFORMED', 'KilnError:E_RELEASED']);
  expect(r.isolated).toBe(true);
  // Tokens already posted when the stop was asked for still arrive; the worker made at most one more.
  expect(r.result.finishReason).toBe('abort');
  expect(r.result.tokens).toHaveLength(r.seen);
  expect(r.result.tokensAtStop).toBeGreaterThanOrEqual(5);
  expect(r.result.tokens.length - r.result.tokensAtStop).toBeLessThanOrEqual(1);
  expect(r.seen).toBeLessThan(200);
  expect(r.tokens).toBe(5);
  expect(errors).toEqual([]);
});
