/**
 * The executorch engine. Here (and on CI) the `executorch` Python package is not installed: the engine,
 * and every .pte model, must say so with the reason — never pretend. The worker process and its framing
 * are then tested against a stand-in for ExecuTorch's runtime (fixtures/fake-executorch, a test double on
 * PYTHONPATH for this test only).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorchEngine, type RunningHost } from '../../src/bridges/host/index.js';
import { raw, testHost } from './helpers.js';

const python = process.env.KILN_PYTHON ?? 'python3';
const hasPython = (() => { try { execFileSync(python, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();
const hasExecutorch = hasPython && (() => { try { execFileSync(python, ['-c', 'import executorch.runtime, torch'], { stdio: 'ignore' }); return true; } catch { return false; } })();

function pteRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-pte-'));
  mkdirSync(join(dir, 'plus1', '1'), { recursive: true });
  writeFileSync(join(dir, 'plus1', '1', 'model.pte'), Buffer.concat([Buffer.from('FAKE-PTE'), Buffer.alloc(8)]));
  return dir;
}

describe.skipIf(hasExecutorch)('executorch not installed: reported, never faked', () => {
  let host: RunningHost;
  beforeAll(async () => { host = await testHost(pteRepo()); });
  afterAll(() => host?.close());

  it('the engine is unavailable with the reason', async () => {
    const st = await executorchEngine().status();
    expect(st.available).toBe(false);
    expect(st.reason).toMatch(hasPython ? /'executorch' and 'torch' are not importable by .*No module named/ : /was not found/);
    const missing = await executorchEngine({ python: '/nonexistent/python3' }).status();
    expect(missing).toMatchObject({ available: false, reason: expect.stringMatching(/'\/nonexistent\/python3' was not found/) });
  });

  it('a .pte model is UNAVAILABLE with that reason: index, ready, metadata, infer', async () => {
    const [m] = host.repo.index();
    expect(m).toMatchObject({ name: 'plus1', state: 'UNAVAILABLE', reason: expect.stringMatching(/executorch.*not available here/) });
    expect((await raw(host.url, { path: '/v2/models/plus1/ready' })).status).toBe(400);
    const meta = await raw(host.url, { path: '/v2/models/plus1' });
    expect(meta.status).toBe(503);
    expect(meta.json().error).toMatch(/UNAVAILABLE: the 'executorch' engine is not available here/);
    const infer = await raw(host.url, { method: 'POST', path: '/v2/models/plus1/infer', body: '{"inputs":[]}' });
    expect(infer.status).toBe(503);
    const server = (await raw(host.url, { path: '/v2' })).json();
    expect(server.engines.find((e: { name: string }) => e.name === 'executorch')).toMatchObject({ available: false, reason: expect.any(String) });
  });
});

describe.skipIf(!hasPython)('the worker process and framing, against a stand-in runtime', () => {
  let host: RunningHost;
  beforeAll(async () => {
    const fake = new URL('./fixtures/fake-executorch', import.meta.url).pathname;
    host = await testHost(pteRepo(), { pythonEnv: { ...process.env, PYTHONPATH: fake, PYTHONDONTWRITEBYTECODE: '1' } });
  });
  afterAll(() => host?.close());

  const infer = (data: number[]) => raw(host.url, { method: 'POST', path: '/v2/models/plus1/infer', body: JSON.stringify({ inputs: [{ name: 'input_0', shape: [2, 3], datatype: 'FP32', data }] }) });

  it('loads through the worker, reports the method signature, runs over the pipe', async () => {
    const meta = (await raw(host.url, { path: '/v2/models/plus1' })).json();
    expect(meta).toMatchObject({ platform: 'executorch_pte', engine: { name: 'executorch' }, inputs: [{ name: 'input_0', datatype: 'FP32', shape: [2, 3] }], outputs: [{ name: 'output_0', datatype: 'FP32', shape: [2, 3] }] });
    const res = await infer([1, 2, 3, 4, 5, 6.5]);
    expect(res.json().outputs[0]).toMatchObject({ name: 'output_0', shape: [2, 3], data: [2, 3, 4, 5, 6, 7.5] });
  });

  it('a worker that dies fails its request with 500, and the next request gets a new worker', async () => {
    const dead = await infer([1, 2, 999, 4, 5, 6]);
    expect(dead.status).toBe(500);
    expect(dead.json().error).toMatch(/ExecuTorch worker exited/);
    expect((await infer([0, 0, 0, 0, 0, 1])).json().outputs[0].data).toEqual([1, 1, 1, 1, 1, 2]);
  });
});
