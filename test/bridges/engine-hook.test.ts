/**
 * The remote backend through the engine itself, once the engine patch of the bridges README section is
 * in (backend specs in `backends`, `Backend.runGraph`, fallback when prepare() reports
 * E_BACKEND_UNAVAILABLE, and `registerBackend('remote', …)` in src/index.ts). Until then the probe
 * below finds no spec support and these tests are skipped; BridgeSession covers the same ground.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as kiln from '../../src/index.js';
import { InferenceSession } from '../../src/engine/session.js';
import { Tensor } from '../../src/engine/tensor.js';
import type { RunningHost } from '../../src/bridges/host/index.js';
import { TOKEN, makeRepo, testHost } from './helpers.js';
import { reluModel } from './models.js';

const engineTakesSpecs = await InferenceSession.fromModel(await kiln.loadOnnx(reluModel()), { backends: [{ name: 'reference' } as never] }).then(() => kiln.registeredBackends().includes('remote'), () => false);
const x = () => new Tensor('float32', new Float32Array([1, -2, 3, -4]), [1, 4]);
/** A backend spec; typed loosely so this file compiles before the engine's `backends` type takes specs. */
const spec = (o: { name: 'remote'; url: string; [k: string]: unknown }) => o as never;

describe.skipIf(!engineTakesSpecs)('backends: [{ name: "remote", … }] through the engine', () => {
  let host: RunningHost;
  beforeAll(async () => { host = await testHost(makeRepo({ relu: reluModel() }), { engine: 'ort' }); });
  afterAll(() => host?.close());

  it('the whole model runs on the host in one call (engine session and the public one)', async () => {
    const remote = spec({ name: 'remote', url: host.url, token: TOKEN, model: 'relu' });
    for (const s of [await InferenceSession.create(reluModel(), { backends: [remote, 'reference'] }), await kiln.InferenceSession.create(reluModel(), { backends: [remote, 'reference'], worker: false })]) {
      expect(s.backendSummary).toEqual({ [`remote:127.0.0.1:${host.port}/relu`]: 1 });
      expect([...((await s.run({ x: x() })).y!.data as Float32Array)]).toEqual([1, 0, 3, 0]);
      expect(s.fallbacks).toEqual([]);
    }
  });

  it('an unreachable host: dropped at creation, the reason in fallbacks and assignments', async () => {
    const s = await InferenceSession.create(reluModel(), { backends: [spec({ name: 'remote', url: 'http://127.0.0.1:9', model: 'relu', retries: 0 }), 'reference'] });
    expect(s.backendSummary).toEqual({ reference: 1 });
    expect(s.fallbacks[0]!.reason).toMatch(/health\/live/);
    expect(Object.values(s.assignments[0]!.declined)[0]).toMatch(/health\/live/);
    expect([...((await s.run({ x: x() })).y!.data as Float32Array)]).toEqual([1, 0, 3, 0]);
  });

  it('a host that stops answering mid-run: E_DEVICE_LOST, re-planned on the rest, the run retried', async () => {
    const stub = createServer((req, res) => {
      if (req.url === '/v2/models/relu/infer') return; // never answers
      if (req.url === '/v2/models/relu') return void res.writeHead(200).end(JSON.stringify({ name: 'relu', platform: 'x', inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }], outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 4] }] }));
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    try {
      const s = await InferenceSession.create(reluModel(), { backends: [spec({ name: 'remote', url: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`, model: 'relu', timeoutMs: 300 }), 'reference'] });
      expect([...((await s.run({ x: x() })).y!.data as Float32Array)]).toEqual([1, 0, 3, 0]);
      expect(s.backendSummary).toEqual({ reference: 1 });
      expect(s.fallbacks[0]!.reason).toMatch(/no answer within 300 ms/);
    } finally {
      stub.closeAllConnections();
      stub.close();
    }
  });
});
