/**
 * Shared pieces of the browser tests: models built in Node and served by request interception (which
 * also counts every request for them, the worker's included), and the page that exposes the ES build.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { longModel, sampleModel } from '../../demo/sample-model.js';

export const MODELS = {
  sample: sampleModel(),
  /** About 200–400 ms per MatMul on the reference backend here: long enough to watch a timer and abort. */
  long: longModel(8, 384, 2048),
};

/** Serves MODELS at /gen/<name>.onnx; the returned map counts requests per name. */
export async function serveModels(context: BrowserContext): Promise<Map<string, number>> {
  const hits = new Map<string, number>();
  await context.route('**/gen/*.onnx', (route) => {
    const name = new URL(route.request().url()).pathname.replace(/^.*\/gen\/|\.onnx$/g, '') as keyof typeof MODELS;
    hits.set(name, (hits.get(name) ?? 0) + 1);
    const body = MODELS[name];
    if (!body) return route.fulfill({ status: 404, body: 'no such model' });
    return route.fulfill({ body: Buffer.from(body), contentType: 'application/octet-stream', headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } });
  });
  return hits;
}

/** Opens the page that loads dist/browser/kiln.js as `window.kiln`. */
export async function openEsm(page: Page, path = '/test/browser/pages/esm.html'): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(path);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  if (errors.length) throw new Error(errors.join('\n'));
}

/** The `window.kiln` the ES page sets, typed loosely for page.evaluate callbacks. */
export type KilnWindow = Window & { kiln: typeof import('../../src/index.js') };
