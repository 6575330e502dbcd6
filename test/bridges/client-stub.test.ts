/**
 * The client (RemoteBackend through BridgeSession) against a stub host that records every request and
 * answers as each test scripts it: the exact bytes of binary and JSON requests, the token, retries only
 * for idempotent calls, timeouts, abort, uploads by content hash, and fallback with the reason recorded.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Tensor } from '../../src/engine/tensor.js';
import { KilnError } from '../../src/engine/errors.js';
import { BridgeSession } from '../../src/bridges/client/index.js';
import './helpers.js';
import { reluModel } from './models.js';

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }
type Handler = (r: Seen, res: ServerResponse, n: number) => void;

const META = { name: 'm', versions: ['1'], platform: 'stub', inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }], outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 4] }] };
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) { s.closeAllConnections(); await new Promise((r) => s.close(r)); }
});

/** A stub host: `routes` by "METHOD path" (first match of a prefix), everything recorded in `seen`. */
async function stub(routes: Record<string, Handler>): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(r);
      const key = Object.keys(routes).find((k) => `${r.method} ${r.url}`.startsWith(k));
      if (!key) { res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no route"}'); return; }
      counts.set(key, (counts.get(key) ?? 0) + 1);
      routes[key]!(r, res, counts.get(key)!);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const ok: Handler = (_r, res) => res.writeHead(200).end();
const json = (body: unknown, status = 200): Handler => (_r, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const healthy = { 'GET /v2/health/live': ok, 'GET /v2/models/m/ready': ok, 'GET /v2/models/m': json(META) };

/** A binary v2 response with y = relu(x), parsed from the request by hand (not with Kiln's codec). */
const reluBinary: Handler = (r, res) => {
  const hl = Number(r.headers['inference-header-content-length']);
  const head = JSON.parse(r.body.subarray(0, hl).toString()) as { inputs: { shape: number[] }[] };
  const x = new Float32Array(r.body.buffer.slice(r.body.byteOffset + hl, r.body.byteOffset + r.body.byteLength));
  const y = new Uint8Array(x.map((v) => Math.max(0, v)).buffer);
  const out = Buffer.from(JSON.stringify({ model_name: 'm', outputs: [{ name: 'y', datatype: 'FP32', shape: head.inputs[0]!.shape, parameters: { binary_data_size: y.byteLength } }] }));
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(out.byteLength) }).end(Buffer.concat([out, y]));
};

const X = () => new Tensor('float32', new Float32Array([1, -2, 3, -4, -5, 6, -7, 8]), [2, 4]);
const codeOf = async (p: Promise<unknown>) => p.then(() => 'resolved', (e) => (e instanceof KilnError ? e.code : String(e)));

describe('remote client against a stub host', () => {
  it('sends the binary form by default: token, header length, binary_data_size, the raw bytes', async () => {
    const h = await stub({ ...healthy, 'POST /v2/models/m/infer': reluBinary });
    const s = await BridgeSession.create(reluModel(), { backends: [{ url: h.url, token: 'secret-token', model: 'm' }] });
    const { y } = await s.run({ x: X() });
    expect([...(y!.data as Float32Array)]).toEqual([1, 0, 3, 0, 0, 6, 0, 8]);
    const infer = h.seen.find((r) => r.url === '/v2/models/m/infer')!;
    expect(infer.method).toBe('POST');
    expect(infer.headers.authorization).toBe('Bearer secret-token');
    expect(infer.headers['content-type']).toBe('application/octet-stream');
    const hl = Number(infer.headers['inference-header-content-length']);
    const head = JSON.parse(infer.body.subarray(0, hl).toString());
    expect(head).toEqual({ parameters: { binary_data_output: true }, inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }] });
    expect([...new Float32Array(infer.body.buffer.slice(infer.body.byteOffset + hl, infer.body.byteOffset + infer.body.byteLength))]).toEqual([...(X().data as Float32Array)]);
    expect(h.seen.every((r) => r.headers.authorization === 'Bearer secret-token')).toBe(true);
    expect(s.backendSummary).toEqual({ [Object.keys(s.backendSummary)[0]!]: 1 });
  });

  it('speaks plain JSON with binary: false, and asks only for the outputs fetched', async () => {
    const h = await stub({ ...healthy, 'POST /v2/models/m/infer': json({ model_name: 'm', outputs: [{ name: 'y', datatype: 'FP32', shape: [2, 4], data: [1, 0, 3, 0, 0, 6, 0, 8] }] }) });
    const s = await BridgeSession.create(reluModel(), { backends: [{ url: h.url, model: 'm', binary: false }] });
    const { y } = await s.run({ x: X() }, ['y']);
    expect([...(y!.data as Float32Array)]).toEqual([1, 0, 3, 0, 0, 6, 0, 8]);
    const infer = h.seen.find((r) => r.url === '/v2/models/m/infer')!;
    expect(infer.headers['content-type']).toBe('application/json');
    expect(infer.headers['inference-header-content-length']).toBeUndefined();
    expect(JSON.parse(infer.body.toString())).toEqual({ outputs: [{ name: 'y' }], inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [1, -2, 3, -4, -5, 6, -7, 8] }] });
  });

  it('retries idempotent calls with backoff, never an inference', async () => {
    const flaky: Handler = (_r, res, n) => (n < 3 ? res.writeHead(503).end('{"error":"starting"}') : res.writeHead(200).end());
    const h = await stub({ ...healthy, 'GET /v2/health/live': flaky, 'POST /v2/models/m/infer': json({ error: 'overloaded' }, 503) });
    const s = await BridgeSession.create(reluModel(), { backends: [{ url: h.url, model: 'm', retries: 2 }] });
    expect(h.seen.filter((r) => r.url === '/v2/health/live')).toHaveLength(3);
    const err = await s.run({ x: X() }).catch((e: KilnError) => e);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).message).toMatch(/HTTP 503: overloaded/);
    expect(h.seen.filter((r) => r.url === '/v2/models/m/infer')).toHaveLength(1);
  });

  it('a host that never answers: the run fails at the deadline, or falls back to the next backend', async () => {
    const h = await stub({ ...healthy, 'POST /v2/models/m/infer': () => {} });
    const alone = await BridgeSession.create(reluModel(), { backends: [{ url: h.url, model: 'm', timeoutMs: 300 }] });
    expect(await codeOf(alone.run({ x: X() }))).toBe('E_DEVICE_LOST');
    const withLocal = await BridgeSession.create(reluModel(), { backends: [{ url: h.url, model: 'm', timeoutMs: 300 }, 'reference'] });
    const { y } = await withLocal.run({ x: X() });
    expect([...(y!.data as Float32Array)]).toEqual([1, 0, 3, 0, 0, 6, 0, 8]);
    expect(withLocal.backendSummary).toEqual({ reference: 1 });
    expect(withLocal.fallbacks[0]!.reason).toMatch(/no answer within 300 ms/);
  });

  it('abort: the caller\'s AbortSignal ends an inference at once', async () => {
    const h = await stub({ ...healthy, 'POST /v2/models/m/infer': () => {} });
    const s = await BridgeSession.create(reluModel(), { backends: [{ url: h.url, model: 'm' }, 'reference'] });
    const ctl = new AbortController();
    const run = s.run({ x: X() }, undefined, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 50);
    expect(await codeOf(run)).toBe('E_ABORTED');
    expect(s.fallbacks).toEqual([]);
  });

  it('unreachable host, wrong token, missing model, other signature: falls back with the reason in assignments', async () => {
    const dead = await stub({});
    const deadUrl = dead.url;
    servers.pop()!.close();
    const cases: [string, Record<string, Handler> | string, RegExp][] = [
      ['unreachable', deadUrl, /health\/live.*fetch failed/],
      ['401', { 'GET /v2/health/live': json({ error: 'a valid bearer token is required' }, 401) }, /HTTP 401: a valid bearer token/],
      ['missing', { 'GET /v2/health/live': ok, 'GET /v2/models/m/ready': json({ error: 'nope' }, 404), 'GET /v2/models/m': json({ error: "model 'm' is not in this host's repository" }, 404) }, /not in this host's repository/],
      ['signature', { ...healthy, 'GET /v2/models/m': json({ ...META, inputs: [{ name: 'x', datatype: 'INT32', shape: [-1, 4] }] }) }, /input 'x' is FP32 here, INT32 on the host/],
    ];
    for (const [what, routes, reason] of cases) {
      const url = typeof routes === 'string' ? routes : (await stub(routes)).url;
      const s = await BridgeSession.create(reluModel(), { backends: [{ url, model: 'm', retries: 0 }, 'reference'] });
      expect(s.backendSummary, what).toEqual({ reference: 1 });
      expect(s.fallbacks).toHaveLength(1);
      expect(Object.values(s.assignments[0]!.declined)[0], what).toMatch(reason);
      const { y } = await s.run({ x: X() });
      expect((y!.data as Float32Array)[1]).toBe(0);
      // With no backend left to fall back to, the reason is the error.
      const err = await BridgeSession.create(reluModel(), { backends: [{ url, model: 'm', retries: 0 }] }).catch((e: KilnError) => e);
      expect((err as KilnError).code).toBe('E_BACKEND_UNAVAILABLE');
      expect((err as KilnError).message).toMatch(reason);
    }
  });

  it('uploads a model by content hash when the spec names none', async () => {
    const bytes = reluModel();
    const name = `sha256-${createHash('sha256').update(bytes).digest('hex')}`;
    let loaded = false;
    const h = await stub({
      'GET /v2/health/live': ok,
      [`GET /v2/models/${name}/ready`]: (_r, res) => res.writeHead(loaded ? 200 : 400).end(),
      [`POST /v2/repository/models/${name}/load`]: (r, res) => {
        const p = JSON.parse(r.body.toString()).parameters;
        loaded = Buffer.from(p['file:1/model.onnx'], 'base64').equals(Buffer.from(bytes)) && typeof p.config === 'string';
        res.writeHead(loaded ? 200 : 400, { 'content-type': 'application/json' }).end('{}');
      },
      [`GET /v2/models/${name}`]: json({ ...META, name }),
      [`POST /v2/models/${name}/infer`]: reluBinary,
    });
    const s = await BridgeSession.create(bytes, { backends: [{ url: h.url }] });
    expect(loaded).toBe(true);
    const { y } = await s.run({ x: X() });
    expect([...(y!.data as Float32Array)]).toEqual([1, 0, 3, 0, 0, 6, 0, 8]);
  });

  it('checks feeds before sending: unknown input, wrong dtype, missing input', async () => {
    const h = await stub({ ...healthy, 'POST /v2/models/m/infer': reluBinary });
    const s = await BridgeSession.create(reluModel(), { backends: [{ url: h.url, model: 'm' }] });
    expect(await codeOf(s.run({ q: X() }))).toBe('E_INPUT_INVALID');
    expect(await codeOf(s.run({ x: new Tensor('int32', new Int32Array(8), [2, 4]) }))).toBe('E_INPUT_INVALID');
    expect(await codeOf(s.run({}))).toBe('E_INPUT_INVALID');
    expect(h.seen.filter((r) => r.url.endsWith('/infer'))).toHaveLength(0);
  });
});
