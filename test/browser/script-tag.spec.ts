import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { serveModels, type KilnWindow } from './helpers.js';

test('a plain <script> page (dist/browser/kiln.min.js → window.kiln) runs a model in a worker', async ({ page, context }) => {
  const hits = await serveModels(context);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const scripts: string[] = [];
  page.on('request', (r) => scripts.push(new URL(r.url()).pathname));
  await page.goto('/test/browser/pages/script-tag.html');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  const r = await page.evaluate(() => (window as unknown as { runModel: (u: string) => Promise<{ inWorker: boolean; dims: number[]; probs: number[]; sameInThread: boolean; backends: Record<string, number> }> }).runModel('/gen/sample.onnx'));
  expect(errors).toEqual([]);
  expect(r.inWorker).toBe(true);
  expect(r.dims).toEqual([1, 10]);
  expect(r.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  expect(r.sameInThread).toBe(true);
  expect(Object.keys(r.backends)).toEqual(['reference']);
  // The worker script came from next to kiln.min.js; the second create read the model from the cache.
  expect(scripts).toContain('/dist/browser/kiln.worker.js');
  expect(hits.get('sample')).toBe(1);
});

test('the unbundled ES output (dist/, with an import map) finds the worker build on its own', async ({ page, context }) => {
  await serveModels(context);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto('/test/browser/pages/importmap.html');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  const r = await page.evaluate(async () => {
    const { InferenceSession, Tensor } = (window as unknown as KilnWindow).kiln;
    const s = await InferenceSession.create('/gen/sample.onnx', { cache: false });
    const { probs } = await s.run({ image: new Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]) });
    return { inWorker: s.inWorker, dims: probs!.dims };
  });
  expect(errors).toEqual([]);
  expect(r).toEqual({ inWorker: true, dims: [1, 10] });
  expect(requested).toContain('/dist/browser/kiln.worker.js');
});

test('a script tag from another origin (a CDN) still starts its worker, through a same-origin blob', async ({ page, context }) => {
  await serveModels(context);
  // localhost:8765 is another origin than the page's 127.0.0.1:8765: serve the builds from there as a CDN would.
  await context.route('http://localhost:8765/dist/browser/*.js', (route) => route.fulfill({
    path: resolve(import.meta.dirname, '../..', new URL(route.request().url()).pathname.slice(1)),
    contentType: 'text/javascript',
    headers: { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' },
  }));
  const html = '<!doctype html><script src="http://localhost:8765/dist/browser/kiln.min.js"></script>';
  await context.route('**/pages/cdn.html', (route) => route.fulfill({ body: html, contentType: 'text/html' }));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/test/browser/pages/cdn.html');
  const r = await page.evaluate(async () => {
    const { InferenceSession, Tensor } = (window as unknown as KilnWindow).kiln;
    const s = await InferenceSession.create('/gen/sample.onnx', { cache: false });
    const { probs } = await s.run({ image: new Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]) });
    return { inWorker: s.inWorker, dims: probs!.dims };
  });
  expect(errors).toEqual([]);
  expect(r).toEqual({ inWorker: true, dims: [1, 10] });
});
