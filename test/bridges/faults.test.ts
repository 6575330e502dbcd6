/**
 * Faults: bad requests get the right 4xx and the host stays up; a host killed mid-request makes the
 * client fail or fall back, never hang; 1,000 requests from 16 concurrent clients come back complete and
 * each to its sender.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../src/engine/errors.js';
import { Tensor } from '../../src/engine/tensor.js';
import { BridgeSession, V2Client } from '../../src/bridges/client/index.js';
import type { RunningHost } from '../../src/bridges/host/index.js';
import { InferenceSession } from '../../src/engine/session.js';
import { TOKEN, makeRepo, maxDiff, raw, testHost } from './helpers.js';
import { longModel, reluModel } from './models.js';

const json = (o: unknown) => JSON.stringify(o);
const relu = (x: number[], shape = [1, 4], datatype = 'FP32') => json({ inputs: [{ name: 'x', shape, datatype, data: x }] });

describe('bad requests: the right 4xx, and the host stays up', () => {
  let host: RunningHost;
  beforeAll(async () => { host = await testHost(makeRepo({ relu: reluModel(), add: 'node/test_add' }), { maxBodyBytes: 2 ** 20, maxTensorBytes: 2 ** 18 }); });
  afterAll(() => host?.close());

  const BAD: [string, { method?: string; path: string; body?: string | Uint8Array; headers?: Record<string, string>; token?: string | null }, number][] = [
    ['no token', { path: '/v2/health/live', token: null }, 401],
    ['wrong token', { path: '/v2/models/relu', token: 'wrong-token-0123456789' }, 401],
    ['token in another scheme', { path: '/v2', headers: { authorization: `Basic ${TOKEN}` }, token: null }, 401],
    ['truncated JSON', { method: 'POST', path: '/v2/models/relu/infer', body: '{"inputs":[{"name":"x"' }, 400],
    ['JSON that is not an object', { method: 'POST', path: '/v2/models/relu/infer', body: '[1,2]' }, 400],
    ['inputs not an array', { method: 'POST', path: '/v2/models/relu/infer', body: '{"inputs":{}}' }, 400],
    ['invalid UTF-8', { method: 'POST', path: '/v2/models/relu/infer', body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }, 400],
    ['negative dim', { method: 'POST', path: '/v2/models/relu/infer', body: relu([1, 2, 3, 4], [-1, 4]) }, 400],
    ['fractional dim', { method: 'POST', path: '/v2/models/relu/infer', body: relu([1, 2, 3, 4], [1.5, 4]) }, 400],
    ['wrong dtype', { method: 'POST', path: '/v2/models/relu/infer', body: relu([1, 2, 3, 4], [1, 4], 'FP64') }, 400],
    ['wrong rank', { method: 'POST', path: '/v2/models/relu/infer', body: relu([1, 2, 3, 4], [4]) }, 400],
    ['integer out of range', { method: 'POST', path: '/v2/models/relu/infer', body: relu([1, 2, 3, 4], [1, 4], 'INT8').replace('1,2', '1,300') }, 400],
    ['ragged nested data', { method: 'POST', path: '/v2/models/relu/infer', body: json({ inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [[1, 2, 3, 4], [5]] }] }) }, 400],
    ['bad header length', { method: 'POST', path: '/v2/models/relu/infer', body: relu([1, 2, 3, 4]), headers: { 'inference-header-content-length': '-4' } }, 400],
    ['huge declared shape', { method: 'POST', path: '/v2/models/relu/infer', body: json({ inputs: [{ name: 'x', shape: [1e9, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] }) }, 413],
    ['tensor over the tensor limit', { method: 'POST', path: '/v2/models/relu/infer', body: json({ inputs: [{ name: 'x', shape: [20000, 4], datatype: 'FP32', data: [] }] }) }, 413],
    ['body over the body limit', { method: 'POST', path: '/v2/models/relu/infer', body: new Uint8Array(2 ** 20 + 10) }, 413],
    ['body far over the limit, declared', { method: 'POST', path: '/v2/models/relu/infer', body: '{}', headers: { 'content-length': String(2 ** 30) } }, 413],
    ['path traversal, raw', { path: '/v2/models/../../etc/passwd' }, 400],
    ['path traversal, encoded slash', { path: '/v2/models/..%2F..%2Fetc%2Fpasswd/ready' }, 400],
    ['path traversal, encoded dots', { method: 'POST', path: '/v2/models/%2e%2e/infer', body: '{}' }, 400],
    ['path traversal in a version', { path: '/v2/models/relu/versions/..%2F1' }, 400],
    ['path traversal in an upload name', { method: 'POST', path: '/v2/repository/models/..%2Frelu/load', body: '{}' }, 400],
    ['path traversal via TF Serving', { method: 'POST', path: '/v1/models/..%2F..%2Frelu:predict', body: '{}' }, 400],
    ['absolute path as a name', { path: '/v2/models/%2Fetc%2Fpasswd' }, 400],
    ['malformed percent-encoding', { path: '/v2/models/%zz' }, 400],
    ['over-long name', { path: `/v2/models/${'a'.repeat(200)}` }, 400],
    ['unknown model', { path: '/v2/models/etc' }, 404],
    ['wrong method', { method: 'DELETE', path: '/v2/models/relu' }, 405],
    ['TF predict with both forms', { method: 'POST', path: '/v1/models/relu:predict', body: json({ instances: [[1, 2, 3, 4]], inputs: [[1, 2, 3, 4]] }) }, 400],
    ['TF predict with a string for a float', { method: 'POST', path: '/v1/models/relu:predict', body: json({ instances: [['a', 2, 3, 4]] }) }, 400],
  ];

  it.each(BAD)('%s', async (_what, req, status) => {
    const res = await raw(host.url, { method: 'GET', ...req });
    expect(res.status, res.body.toString().slice(0, 200)).toBe(status);
    if (req.headers?.['content-length'] === undefined) {
      const body = res.json();
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error).not.toMatch(/\bat .+:\d+:\d+/);
    }
    if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await raw(host.url, { path: '/v2/health/live' })).status).toBe(200);
  });

  it('a good request still works after all of them', async () => {
    const res = await raw(host.url, { method: 'POST', path: '/v2/models/relu/infer', body: relu([-1, 2, -3, 4]) });
    expect(res.json().outputs[0].data).toEqual([0, 2, 0, 4]);
  });
});

describe('per-request deadline on the host', () => {
  it('a run past the deadline answers 503 and the host carries on', async () => {
    const host = await testHost(makeRepo({ slow: longModel(4, 384, 1024), relu: reluModel() }), { engine: 'kiln', providers: ['reference'], timeoutMs: 150 });
    try {
      const x = Array.from({ length: 1024 * 384 }, (_, i) => (i % 7) / 7);
      const res = await raw(host.url, { method: 'POST', path: '/v2/models/slow/infer', body: json({ inputs: [{ name: 'x', shape: [1024, 384], datatype: 'FP32', data: x }] }) });
      expect(res.status).toBe(503);
      expect(res.json().error).toMatch(/did not finish within 150 ms/);
      const ok = await raw(host.url, { method: 'POST', path: '/v2/models/relu/infer', body: relu([-1, 2, -3, 4]) });
      expect(ok.json().outputs[0].data).toEqual([0, 2, 0, 4]);
    } finally {
      await host.close();
    }
  });
});

describe('1,000 requests from 16 concurrent clients', () => {
  it('nothing lost, nothing mixed up (binary and JSON clients at once)', async () => {
    const host = await testHost(makeRepo({ relu: reluModel() }), { engine: 'ort' });
    try {
      const seen = new Set<number>();
      await Promise.all(Array.from({ length: 16 }, async (_, c) => {
        const s = await BridgeSession.create(reluModel(), { backends: [{ url: host.url, token: TOKEN, model: 'relu', binary: c % 2 === 0 }] });
        for (let k = c; k < 1000; k += 16) {
          const x = new Float32Array([k, -k, k + 0.5, -(k + 0.25)]);
          const { y } = await s.run({ x: new Tensor('float32', x, [1, 4]) });
          expect(Array.from(y!.data as Float32Array, (v) => v + 0)).toEqual([k, 0, k + 0.5, 0]);
          seen.add(k);
        }
      }));
      expect(seen.size).toBe(1000);
    } finally {
      await host.close();
    }
  });
});

describe('host killed mid-request (a `kiln host` child process)', () => {
  const SLOW = longModel(4, 384, 1024);
  let child: ChildProcess | undefined;
  afterAll(() => { if (child?.exitCode === null) child.kill('SIGKILL'); });

  /** Starts `kiln host --verbose`; resolves with its URL, token and stdout once it serves. */
  async function startChild(repo: string, tokenFile: string): Promise<{ url: string; stdout: string; requests: () => Promise<void> }> {
    const script = new URL('./fixtures/host-child.ts', import.meta.url).pathname;
    const c = spawn(process.execPath, ['--import', 'tsx', script, '--repo', repo, '--engine', 'kiln', '--port', '0', '--token-file', tokenFile, '--verbose'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let stdout = '';
    let stderr = '';
    let onInfer: (() => void) | undefined;
    c.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/> POST \/v2\/models\/slow\/infer/.test(stderr)) onInfer?.();
    });
    await new Promise<void>((resolve, reject) => {
      c.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/bearer token/.test(stdout) && (stdout.includes('mode 0600):\n') ? /mode 0600\):\n\s+\S+\n/.test(stdout) : true)) resolve();
      });
      c.on('exit', (code) => reject(new Error(`host exited (${code}): ${stderr}`)));
    });
    const url = /on (http:\/\/\S+)/.exec(stdout)![1]!;
    return { url, stdout, requests: () => new Promise<void>((r) => { onInfer = r; }) };
  }

  it('the client errors (no backend left) or falls back (with one) within the timeout', async () => {
    const repo = makeRepo({ slow: SLOW });
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'kiln-token-')), 'sub', 'host-token');
    const first = await startChild(repo, tokenFile);
    // The CLI made the token file (0600), printed the token once, and the client uses it.
    const token = /mode 0600\):\n\s+(\S+)/.exec(first.stdout)![1]!;
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const x = new Tensor('float32', Float32Array.from({ length: 1024 * 384 }, (_, i) => Math.sin(i)), [1024, 384]);

    const alone = await BridgeSession.create(SLOW, { backends: [{ url: first.url, token, model: 'slow', timeoutMs: 60_000 }] });
    const started = first.requests();
    const run = alone.run({ x }).then(() => 'resolved', (e: KilnError) => e.code);
    await started;
    child!.kill('SIGKILL');
    expect(await run).toBe('E_DEVICE_LOST');

    const second = await startChild(repo, tokenFile);
    expect(second.stdout).not.toContain(token);
    expect(second.stdout).toContain(`bearer token in ${tokenFile}`);
    const fallback = await BridgeSession.create(SLOW, { backends: [{ url: second.url, token, model: 'slow', timeoutMs: 60_000 }, 'reference'] });
    const started2 = second.requests();
    const run2 = fallback.run({ x });
    await started2;
    child!.kill('SIGKILL');
    const got = await run2;
    expect(Object.keys(fallback.backendSummary)).toEqual(['reference']);
    expect(fallback.fallbacks[0]!.reason).toMatch(/infer/);
    const local = await InferenceSession.create(SLOW, { backends: ['reference'] });
    expect(maxDiff(got.y!, (await local.run({ x })).y!)).toBe(0);

    // And a session created while the host is down falls back at once, with the reason.
    const late = await BridgeSession.create(SLOW, { backends: [{ url: second.url, token, model: 'slow', retries: 1 }, 'reference'] });
    expect(Object.values(late.assignments[0]!.declined)[0]).toMatch(/health\/live.*(fetch failed|ECONNREFUSED)/);
    // The v2 client alone reports the transport failure as E_IO.
    await expect(new V2Client({ url: second.url, token, timeoutMs: 2000, retries: 0 }).serverLive()).rejects.toMatchObject({ code: 'E_IO' });
  });
});
