/**
 * Security defaults of the host: loopback only, a bearer token on every request (generated once, stored
 * 0600), CORS only for the origins given, uploads off.
 */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateToken, startHost, tokenMatches, type RunningHost } from '../../src/bridges/host/index.js';
import { parseHostArgs } from '../../src/cli/host.js';
import { TOKEN, makeRepo, raw, testHost } from './helpers.js';
import { reluModel } from './models.js';

describe('bearer token', () => {
  it('is created once with mode 0600 in a 0700 folder, then read back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kiln-tok-')), 'kiln', 'host-token');
    const a = await loadOrCreateToken(file);
    expect(a.created).toBe(true);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    const b = await loadOrCreateToken(file);
    expect(b).toEqual({ token: a.token, created: false });
    expect(readFileSync(file, 'utf8').trim()).toBe(a.token);
  });

  it('a token file others can read, or a too-short token, is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-tok-'));
    const open = join(dir, 'open');
    writeFileSync(open, 'x'.repeat(40));
    chmodSync(open, 0o644);
    await expect(loadOrCreateToken(open)).rejects.toThrow(/can be read by other users.*chmod 600/);
    const short = join(dir, 'short');
    writeFileSync(short, 'abc', { mode: 0o600 });
    await expect(loadOrCreateToken(short)).rejects.toThrow(/no usable token/);
    await expect(startHost({ repo: dir, token: 'short', port: 0 })).rejects.toThrow(/at least 16/);
  });

  it('matches only "Bearer <token>"', () => {
    expect(tokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(tokenMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    for (const h of [undefined, '', TOKEN, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, `Bearer  ${TOKEN}`]) expect(tokenMatches(h, TOKEN), String(h)).toBe(false);
  });
});

describe('network defaults', () => {
  it('binds 127.0.0.1 unless told otherwise; uploads are off', async () => {
    const host = await testHost(makeRepo({}));
    try {
      expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const up = await raw(host.url, { method: 'POST', path: '/v2/repository/models/sha256-00/load', body: '{"parameters":{"file:1/model.onnx":""}}' });
      expect(up.status).toBe(403);
    } finally {
      await host.close();
    }
  });

  it('the CLI parses the same defaults and refuses what is not an origin', () => {
    const a = parseHostArgs(['--repo', '/tmp/r', '--allow-origin', 'https://app.example.com/path', '--ep', 'cuda, cpu']);
    expect(a.options).toMatchObject({ allowOrigins: ['https://app.example.com'], providers: ['cuda', 'cpu'] });
    expect(a.options.host).toBeUndefined();
    expect(a.options.allowUpload).toBeUndefined();
    expect(() => parseHostArgs(['--repo', '/tmp/r', '--allow-origin', 'app.example.com'])).toThrow(/origin/);
    expect(() => parseHostArgs(['--allow-upload'])).toThrow(/--repo/);
    expect(() => parseHostArgs(['--repo', '/tmp/r', '--engine', 'tensorflow'])).toThrow(/--engine/);
  });
});

describe('CORS', () => {
  const APP = 'http://127.0.0.1:8765';
  let host: RunningHost;
  beforeAll(async () => { host = await testHost(makeRepo({ relu: reluModel() }), { allowOrigins: [APP] }); });
  afterAll(() => host?.close());

  it('answers the preflight of an allowed origin (no token needed for it)', async () => {
    const res = await raw(host.url, { method: 'OPTIONS', path: '/v2/models/relu/infer', token: null, headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,inference-header-content-length' } });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(res.headers['access-control-allow-headers']).toMatch(/authorization.*inference-header-content-length/);
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
  });

  it('allowed origin: CORS headers on answers and on errors, the header length exposed', async () => {
    const ok = await raw(host.url, { path: '/v2/models/relu', headers: { origin: APP } });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(APP);
    expect(ok.headers['access-control-expose-headers']).toMatch(/inference-header-content-length/);
    const noToken = await raw(host.url, { path: '/v2/models/relu', headers: { origin: APP }, token: null });
    expect(noToken.status).toBe(401);
    expect(noToken.headers['access-control-allow-origin']).toBe(APP);
  });

  it('any other origin is refused, preflight included, without CORS headers', async () => {
    for (const origin of ['http://127.0.0.1:8766', 'https://evil.example', 'null']) {
      for (const method of ['GET', 'OPTIONS']) {
        const res = await raw(host.url, { method, path: '/v2/models/relu', headers: { origin } });
        expect(res.status, `${method} ${origin}`).toBe(403);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      }
    }
  });
});
