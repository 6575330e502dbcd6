/**
 * `npm run bench:browser` (npx tsx bench/webgpu-bench.ts): Kiln-webgpu vs onnxruntime-web (WebGPU EP) vs
 * TensorFlow.js webgpu (MatMul only), in one headless Chromium page on the same adapter. Prints median ms
 * and Kiln's ratio to each (lower is better for Kiln). On SwiftShader (a CPU emulation of a GPU) absolute
 * times mean nothing; the ratios on one adapter do. On a machine with a real GPU, run it with
 * `KILN_BENCH_CHROMIUM_ARGS="--enable-features=Vulkan --use-angle=vulkan"` or a headed browser.
 *
 *   npx tsx bench/webgpu-bench.ts [--iters 10] [--warmup 3] [--only mobilenet] [--json out.json]
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (n: string, d?: string) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const iters = Number(opt('iters', '10'));
const warmup = Number(opt('warmup', '3'));
const only = opt('only');
const PORT = Number(process.env.KILN_BENCH_PORT ?? 8766);

const WORKLOADS = [
  { name: 'mobilenet_v2', url: '/shared/models/mobilenet_v2/model.onnx' },
  { name: 'bert_like', url: '/shared/models/bert_like/model.onnx' },
  { name: 'MatMul 128x256x256', matmul: [128, 256, 256] },
  { name: 'MatMul 256x512x512', matmul: [256, 512, 512] },
  { name: 'MatMul 1x1024x1024', matmul: [1, 1024, 1024] },
].filter((w) => !only || w.name.includes(only));

await build({
  entryPoints: [`${ROOT}bench/webgpu-page.ts`], outfile: `${ROOT}dist/webgpu-bench/webgpu-page.js`, bundle: true, format: 'esm',
  platform: 'browser', target: 'es2022', external: ['node:*'], logLevel: 'error', define: { 'process.env.NODE_ENV': '"production"' },
});

const server = spawn(process.execPath, [`${ROOT}test/browser/server.mjs`], { env: { ...process.env, PORT: String(PORT) }, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((res) => server.stdout!.once('data', () => res()));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
    '--disable-quic', '--enable-unsafe-webgpu', ...(process.env.KILN_BENCH_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? [])],
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
  await page.goto(`http://127.0.0.1:${PORT}/bench/webgpu-page.html`);
  await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true, undefined, { timeout: 60_000 });
  const adapter = await page.evaluate(async () => {
    const a = await navigator.gpu.requestAdapter();
    return a ? `${a.info.vendor} ${a.info.architecture}`.trim() : 'none';
  });
  console.log(`adapter: ${adapter}; ${iters} timed runs after ${warmup} warm-up, median ms (upload input + run + read output)`);
  const results = await page.evaluate(([w, i, wu]) => (globalThis as unknown as { kilnBench: { bench(w: unknown, i: number, wu: number): Promise<{ name: string; medians: Record<string, number> }[]> } }).kilnBench.bench(w, i, wu), [WORKLOADS, iters, warmup] as const);
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`${pad('workload', 22)}${pad('kiln', 10)}${pad('ort-web', 10)}${pad('tfjs', 10)}${pad('kiln/ort', 10)}kiln/tfjs`);
  for (const r of results) {
    const m = r.medians;
    const f = (v?: number) => (v === undefined ? '-' : v.toFixed(1));
    const ratio = (b?: number) => (b === undefined ? '-' : `${(m.kiln! / b).toFixed(2)}x`);
    console.log(`${pad(r.name, 22)}${pad(f(m.kiln), 10)}${pad(f(m['ort-web']), 10)}${pad(f(m.tfjs), 10)}${pad(ratio(m['ort-web']), 10)}${ratio(m.tfjs)}`);
  }
  const json = opt('json');
  if (json) writeFileSync(json, JSON.stringify({ adapter, iters, warmup, results }, null, 1));
} finally {
  await browser.close();
  server.kill();
}
