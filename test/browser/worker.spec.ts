/**
 * The worker-first session in Chromium, through the ES build: runs in a worker while the page's timers
 * keep ticking, moves tensors instead of copying them, keeps error classes and codes, and aborts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { openEsm, serveModels, type KilnWindow } from './helpers.js';

test.beforeEach(async ({ page, context }, testInfo) => {
  await serveModels(context);
  if (testInfo.title.includes('not cross-origin isolated')) {
    // The same page without COOP/COEP: no SharedArrayBuffer, so aborts travel as messages.
    const html = readFileSync(resolve(import.meta.dirname, 'pages/esm.html'));
    await context.route('**/pages/plain.html', (route) => route.fulfill({ body: html, contentType: 'text/html' }));
    await openEsm(page, '/test/browser/pages/plain.html');
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
  } else {
    await openEsm(page);
  }
});

test('an ES-module page runs a model in a worker while the main thread keeps ticking', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { InferenceSession, Tensor } = (window as unknown as KilnWindow).kiln;
    const measure = async (worker: boolean) => {
      const s = await InferenceSession.create('/gen/long.onnx', { worker, cache: false });
      const x = new Tensor('float32', new Float32Array(2048 * 384).fill(0.01), [2048, 384]);
      let ticks = 0;
      let last = performance.now();
      let maxGap = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        ticks++;
      }, 10);
      const t0 = performance.now();
      const out = await s.run({ x });
      const runMs = performance.now() - t0;
      clearInterval(timer);
      maxGap = Math.max(maxGap, performance.now() - last);
      const y = out.y!.data as Float32Array;
      const res = { inWorker: s.inWorker, runMs, ticks, maxGap, y: [y[0], y[12345], y[y.length - 1]] };
      await s.release();
      return res;
    };
    return { worker: await measure(true), inThread: await measure(false) };
  });
  console.log(`worker: run ${r.worker.runMs.toFixed(0)} ms, ${r.worker.ticks} ticks, longest gap ${r.worker.maxGap.toFixed(0)} ms; ` +
    `in-thread: run ${r.inThread.runMs.toFixed(0)} ms, ${r.inThread.ticks} ticks, longest gap ${r.inThread.maxGap.toFixed(0)} ms`);
  expect(r.worker.inWorker).toBe(true);
  expect(r.inThread.inWorker).toBe(false);
  expect(r.worker.y).toEqual(r.inThread.y);
  expect(r.worker.runMs).toBeGreaterThan(500);
  // The page's timer kept running during the worker's run, and was starved during the in-thread one.
  // (Relative bounds: on a loaded 2-core machine every gap and run stretches together.)
  expect(r.worker.maxGap).toBeLessThan(r.worker.runMs / 4);
  expect(r.worker.ticks).toBeGreaterThan(r.worker.runMs / 100);
  expect(r.inThread.ticks).toBeLessThan(3);
  expect(r.inThread.maxGap).toBeGreaterThan(r.inThread.runMs / 2);
});

test('tensors cross by transfer: inputs are moved (or copied on request), outputs own their buffers', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { InferenceSession, Tensor, KilnError } = (window as unknown as KilnWindow).kiln;
    const s = await InferenceSession.create('/gen/sample.onnx', { cache: false });
    const image = () => new Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]);
    const moved = image();
    const a = await s.run({ image: moved });
    let reuse: unknown;
    try {
      await s.run({ image: moved });
    } catch (e) {
      reuse = e instanceof KilnError ? e.code : String(e);
    }
    const kept = image();
    const b = await s.run({ image: kept }, { keepInputs: true });
    const p = a.probs!.data as Float32Array;
    return {
      movedBytes: moved.data.length, keptBytes: kept.data.length, reuse,
      ownsBuffer: p.byteOffset === 0 && p.buffer.byteLength === p.byteLength,
      same: Array.from(p).join() === Array.from(b.probs!.data as Float32Array).join(),
      sum: Array.from(p).reduce((x, y) => x + y, 0),
    };
  });
  expect(r.movedBytes).toBe(0);
  expect(r.keptBytes).toBe(3 * 64 * 64);
  expect(r.reuse).toBe('E_INPUT_INVALID');
  expect(r.ownsBuffer).toBe(true);
  expect(r.same).toBe(true);
  expect(r.sum).toBeCloseTo(1, 5);
});

test('errors keep their class, code and details across the worker boundary', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const kiln = (window as unknown as KilnWindow).kiln;
    const { InferenceSession, Tensor, KilnError } = kiln;
    const caught = async (f: () => Promise<unknown>) => {
      try {
        await f();
        return 'no error';
      } catch (e) {
        return e instanceof KilnError ? { code: e.code, details: e.details, message: e.message, stack: e.stack ?? '' } : `not a KilnError: ${String(e)}`;
      }
    };
    const s = await InferenceSession.create('/gen/sample.onnx', { cache: false });
    const x = new Tensor('float32', new Float32Array(12), [1, 3, 2, 2]);
    return {
      malformed: await caught(() => InferenceSession.create(new Uint8Array([8, 7, 0x3a, 200]))),
      shape: await caught(() => s.run({ image: x })),
      backend: await caught(() => InferenceSession.create('/gen/sample.onnx', { backends: ['nope'] })),
      http: await caught(() => InferenceSession.create('/gen/missing.onnx')),
      noWorker: await caught(() => InferenceSession.create('/gen/sample.onnx', { assetBase: '/nowhere/' })),
      onlyHere: await (async () => {
        kiln.registerBackend('page-only', () => ({ name: 'page-only', supports: () => 'never', run: () => [] }));
        return caught(() => InferenceSession.create('/gen/sample.onnx', { backends: ['page-only', 'reference'] }));
      })(),
    };
  });
  const m = r.malformed as { code: string; message: string; stack: string; details: { offset?: number } };
  expect(m.code).toBe('E_MODEL_MALFORMED');
  expect(m.message).toMatch(/^\[E_MODEL_MALFORMED\] .*byte 3/);
  expect(m.details.offset).toBe(3);
  expect(m.stack).toContain('in the Kiln worker');
  expect(r.shape).toMatchObject({ code: 'E_SHAPE_MISMATCH', details: { tensor: 'image' } });
  expect(r.backend).toMatchObject({ code: 'E_BACKEND_UNAVAILABLE' });
  expect(r.http).toMatchObject({ code: 'E_IO' });
  expect((r.http as { message: string }).message).toContain('HTTP 404');
  expect(r.noWorker).toMatchObject({ code: 'E_IO' });
  expect((r.noWorker as { message: string }).message).toContain('/nowhere/kiln.worker.js');
  expect(r.onlyHere).toMatchObject({ code: 'E_BACKEND_UNAVAILABLE' });
  expect((r.onlyHere as { message: string }).message).toMatch(/page-only are registered in this thread but not in the worker/);
});

for (const where of ['worker', 'worker, page not cross-origin isolated', 'this thread'] as const) {
  test(`a run is aborted with an AbortSignal (${where}), and the session still works`, async ({ page }) => {
    const r = await page.evaluate(async (worker) => {
      const { InferenceSession, Tensor, KilnError } = (window as unknown as KilnWindow).kiln;
      const s = await InferenceSession.create('/gen/long.onnx', { worker, cache: false, enableProfiling: true });
      const x = () => new Tensor('float32', new Float32Array(2048 * 384).fill(0.01), [2048, 384]);
      const full0 = performance.now();
      await s.run({ x: x() });
      const fullMs = performance.now() - full0;
      const ac = new AbortController();
      const t0 = performance.now();
      const p = s.run({ x: x() }, { signal: ac.signal });
      setTimeout(() => ac.abort(), fullMs / 4);
      let code: unknown;
      try {
        await p;
      } catch (e) {
        code = e instanceof KilnError ? e.code : String(e);
      }
      const rejectedAfter = performance.now() - t0;
      // The next run waits in the queue until the aborted one stops at a node boundary: about one node
      // (an eighth of the run), not the rest of the aborted run.
      const t1 = performance.now();
      const after = await s.run({ x: x() });
      const waitedMs = performance.now() - t1 - (await s.profile())!.totalMs;
      const pre = new AbortController();
      pre.abort();
      let preCode: unknown;
      try {
        await s.run({ x: x() }, { signal: pre.signal });
      } catch (e) {
        preCode = e instanceof KilnError ? e.code : String(e);
      }
      return { code, preCode, fullMs, rejectedAfter, waitedMs, ok: (after.y!.data as Float32Array).length };
    }, where !== 'this thread');
    console.log(`${where}: full run ${r.fullMs.toFixed(0)} ms, aborted run rejected after ${r.rejectedAfter.toFixed(0)} ms, next run waited ${r.waitedMs.toFixed(0)} ms for it to stop`);
    expect(r.code).toBe('E_ABORTED');
    expect(r.preCode).toBe('E_ABORTED');
    expect(r.ok).toBe(2048 * 384);
    expect(r.rejectedAfter).toBeLessThan(r.fullMs * 0.75);
    expect(r.waitedMs).toBeLessThan(r.fullMs * 0.4);
  });
}
