/**
 * The webgpu backend in headless Chromium (SwiftShader): every kernel against the reference backend,
 * the whole-backend checks (leaks over 1,000 runs, one submit per run, IO binding, device loss), and the
 * ONNX node conformance cases whose every node webgpu claims, against test/conformance/expectations/webgpu.json
 * (a listed case that passes, or an unlisted one that fails, fails the test). Per-case results go to
 * conformance-results/webgpu-chromium.json.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { openWebGpuPage } from '../webgpu/bundle.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const NODE_DIR = `${ROOT}../shared/conformance/onnx/node`;

interface Outcome { name: string; ok: boolean; message?: string }
interface Conf { id: string; status: 'pass' | 'fail' | 'skip'; message?: string; cpuFallbacks?: number }
type Api = {
  runKernelCases(f?: string): Promise<Outcome[]>;
  runSystemTests(): Promise<Outcome[]>;
  runConformance(ids: string[]): Promise<Conf[]>;
  capabilities(): Promise<unknown>;
};

test.describe.configure({ mode: 'serial' });
let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await openWebGpuPage(browser, 'webgpu-entry', '/test/browser/pages/webgpu.html');
});

test.afterAll(async () => page?.close());

const api = <T>(f: (k: Api, arg: any) => Promise<T>, arg?: unknown) =>
  page.evaluate(([src, a]) => (new Function('k', 'a', `return (${src})(k, a)`) as (k: unknown, a: unknown) => Promise<T>)((globalThis as unknown as { kilnWebGpu: Api }).kilnWebGpu, a), [f.toString(), arg] as const);

test('WebGPU adapter with a capability report', async () => {
  const caps = (await api((k) => k.capabilities())) as { features: Record<string, boolean>; limits: Record<string, number> };
  expect(caps.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
  console.log(`webgpu capabilities: ${JSON.stringify(caps)}`);
});

test('every kernel matches the reference backend', async () => {
  const r = await api((k) => k.runKernelCases());
  expect(r.length).toBeGreaterThan(100);
  expect(r.filter((c) => !c.ok).map((c) => `${c.name}: ${c.message}`)).toEqual([]);
});

test('backend: no leaks over 1,000 runs, one submit per run, IO binding, timestamps, device loss', async () => {
  test.setTimeout(180_000);
  const r = await api((k) => k.runSystemTests());
  expect(r.filter((c) => !c.ok).map((c) => `${c.name}: ${c.message}`)).toEqual([]);
});

test('ONNX node conformance on webgpu matches expectations/webgpu.json', async () => {
  test.setTimeout(600_000);
  const expectations = JSON.parse(readFileSync(`${ROOT}test/conformance/expectations/webgpu.json`, 'utf8')) as Record<string, string>;
  const onReference = JSON.parse(readFileSync(`${ROOT}test/conformance/expectations/reference.json`, 'utf8')) as Record<string, string>;
  const ids = readdirSync(NODE_DIR).filter((d) => d.startsWith('test_')).map((d) => `node/${d}`).filter((id) => !(id in onReference)).sort();
  const results: Conf[] = [];
  for (let i = 0; i < ids.length; i += 100) results.push(...(await api((k, a) => k.runConformance(a), ids.slice(i, i + 100))));
  mkdirSync(`${ROOT}conformance-results`, { recursive: true });
  writeFileSync(`${ROOT}conformance-results/webgpu-chromium.json`, JSON.stringify(Object.fromEntries(results.map((r) => [r.id, r])), null, 1));
  const claimed = results.filter((r) => r.status !== 'skip');
  const passed = claimed.filter((r) => r.status === 'pass');
  const onGpu = passed.filter((r) => !r.cpuFallbacks);
  console.log(`webgpu conformance (node): ${claimed.length} claimed, ${passed.length} passed (${onGpu.length} with no run-time CPU fallback), ${claimed.length - passed.length} failed, ${results.length - claimed.length} not claimed`);
  if (process.env.KILN_UPDATE_EXPECTATIONS) {
    const next: Record<string, string> = {};
    for (const r of claimed) if (r.status === 'fail') next[r.id] = expectations[r.id] ?? `wrong result or error on webgpu: ${r.message ?? ''}`.slice(0, 200);
    const sorted = Object.fromEntries(Object.entries(next).sort(([a], [b]) => (a < b ? -1 : 1)));
    writeFileSync(`${ROOT}test/conformance/expectations/webgpu.json`, JSON.stringify(sorted, null, 1) + '\n');
    return;
  }
  const unexpected = claimed.filter((r) => r.status === 'fail' && !(r.id in expectations)).map((r) => `${r.id}: ${r.message}`);
  const newlyPassing = passed.filter((r) => r.id in expectations).map((r) => `${r.id} (listed: ${expectations[r.id]})`);
  expect(unexpected).toEqual([]);
  expect(newlyPassing).toEqual([]);
});
