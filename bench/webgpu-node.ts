/**
 * Kiln-webgpu in Node on whatever adapter Dawn finds (the `webgpu` package): for a machine with a real
 * GPU, where no browser is needed. Prints the adapter, then per workload the median ms of a run (upload
 * input, run, read output) and of the GPU time the timestamps measure.
 *
 *   npx tsx bench/webgpu-node.ts [--iters 20] [--swiftshader]
 *
 * On a GPU machine, run it as is (Dawn loads the system's Vulkan driver). `--swiftshader` uses Chromium's
 * CPU driver instead, as the tests here do (then it re-executes itself with the environment Dawn needs).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '../src/index.js';
import { InferenceSession, Tensor, registerBackend } from '../src/engine/index.js';
import { createWebGpuBackend, type WebGpuBackend } from '../src/shaders/index.js';
import { gpuChildEnv, installNodeGpu } from '../test/webgpu/node-gpu.js';
import { matmulOnnx } from './webgpu-onnx.js';

const args = process.argv.slice(2);
if (args.includes('--swiftshader') && !process.env.KILN_BENCH_CHILD) {
  execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { env: { ...gpuChildEnv(), KILN_BENCH_CHILD: '1' }, stdio: 'inherit' });
  process.exit(0);
}
const iters = Number(args.includes('--iters') ? args[args.indexOf('--iters') + 1] : 20);
const MODELS = new URL('../../shared/models/', import.meta.url);

const uninstall = await installNodeGpu();
let backend: WebGpuBackend | undefined;
registerBackend('webgpu', async () => (backend = await createWebGpuBackend()));

function feedsOf(s: InferenceSession): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const m of s.inputMetadata) {
    const dims = (m.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[m.name] = m.type === 'int64'
      ? new Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(m.name.includes('mask') ? 1 : (i * 7919) % 1000)), dims)
      : new Tensor('float32', Float32Array.from({ length: n }, (_, i) => Math.sin(i)), dims);
  }
  return feeds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const workloads: [string, () => Uint8Array][] = [
  ['mobilenet_v2', () => new Uint8Array(readFileSync(new URL('mobilenet_v2/model.onnx', MODELS)))],
  ['bert_like', () => new Uint8Array(readFileSync(new URL('bert_like/model.onnx', MODELS)))],
  ...[[128, 256, 256], [1024, 1024, 1024], [1, 4096, 4096]].map(([m, k, n]): [string, () => Uint8Array] => [`MatMul ${m}x${k}x${n}`, () => matmulOnnx(m!, k!, n!, Float32Array.from({ length: k! * n! }, (_, i) => Math.cos(i)))]),
];
let first = true;
for (const [name, bytes] of workloads) {
  const s = await InferenceSession.create(bytes(), { backends: ['webgpu'] });
  if (first) {
    const c = backend!.capabilities;
    console.log(`adapter: ${c.adapter.vendor} ${c.adapter.architecture} ${c.adapter.description}; features ${JSON.stringify(c.features)}`);
    console.log(`${'workload'.padEnd(22)}${'run ms'.padEnd(10)}gpu ms`);
    first = false;
  }
  const feeds = feedsOf(s);
  for (let i = 0; i < 3; i++) await s.run(feeds);
  const wall: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    await s.run(feeds);
    wall.push(performance.now() - t0);
  }
  backend!.setProfiling(true);
  const gpu: number[] = [];
  for (let i = 0; i < Math.min(iters, 5); i++) {
    await s.run(feeds);
    gpu.push([...(await backend!.collectProfile()).values()].reduce((a, b) => a + b, 0));
  }
  backend!.setProfiling(false);
  console.log(`${name.padEnd(22)}${median(wall).toFixed(2).padEnd(10)}${gpu.length && gpu[0]! > 0 ? median(gpu).toFixed(2) : '-'}`);
  await s.release();
}
uninstall();
process.exit(0);
