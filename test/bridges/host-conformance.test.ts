/**
 * The host against the protocol conformance cases of v2-cases.ts (JSON and binary), once per engine
 * that runs ONNX here: `ort` (onnxruntime-node, CPU provider) and `kiln` (the reference backend).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHost } from '../../src/bridges/host/index.js';
import { makeRepo, raw, testHost } from './helpers.js';
import { reluModel, twoOutputModel } from './models.js';
import { V2_CASES, type V2Case } from './v2-cases.js';

const REPO = {
  add: 'node/test_add', relu: reluModel(), two: twoOutputModel(), and: 'node/test_and2d', concat: 'node/test_string_concat',
  argmax: 'node/test_argmax_default_axis_example', cast16: 'node/test_cast_FLOAT_to_FLOAT16',
};

/** Turns the cases' {$arrayContaining} markers into vitest matchers. */
function matcher(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(matcher);
  if (x && typeof x === 'object') {
    if ('$arrayContaining' in x) return expect.arrayContaining(matcher((x as { $arrayContaining: unknown[] }).$arrayContaining) as unknown[]);
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, matcher(v)]));
  }
  return x;
}

function body(c: V2Case): { body?: Uint8Array | string; headers: Record<string, string> } {
  const r = c.request;
  if (r.rawBody !== undefined) return { body: r.rawBody, headers: { 'content-type': 'application/json', ...r.headers } };
  if (r.json === undefined) return { headers: { ...r.headers } };
  const head = new TextEncoder().encode(JSON.stringify(r.json));
  if (!r.binary) return { body: head, headers: { 'content-type': 'application/json', ...r.headers } };
  const parts = [head, ...r.binary];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.byteLength; }
  return { body: out, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(head.byteLength), ...r.headers } };
}

describe.each(['ort', 'kiln'] as const)('v2 protocol conformance, engine %s', (engine) => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await testHost(makeRepo(REPO), { engine });
    expect(host.repo.index().filter((m) => m.state !== 'READY')).toEqual([]);
  });
  afterAll(() => host?.close());

  it.each(V2_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { body: b, headers } = body(c);
    const res = await raw(host.url, { method: c.request.method, path: c.request.path, body: b, headers });
    const want = c.response;
    const text = res.body.toString('utf8');
    expect(res.status, text.slice(0, 300)).toBe(want.status);
    if (want.empty) expect(res.body.byteLength).toBe(0);
    if (want.contentType) expect(res.headers['content-type']).toBe(want.contentType);
    const hl = res.headers['inference-header-content-length'];
    const head = hl === undefined ? res.body : res.body.subarray(0, Number(hl));
    if (want.error) {
      const j = JSON.parse(head.toString('utf8'));
      expect(Object.keys(j)).toEqual(['error']);
      expect(typeof j.error).toBe('string');
      expect(j.error.length).toBeGreaterThan(0);
      expect(j.error).not.toMatch(/\n\s+at /);
    }
    if (want.json !== undefined) expect(JSON.parse(head.toString('utf8'))).toMatchObject(matcher(want.json) as object);
    if (want.tail) {
      expect(hl).toBeDefined();
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect([...res.body.subarray(Number(hl))]).toEqual([...want.tail]);
    }
  });
});
