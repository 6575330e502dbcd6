/**
 * The benchmark page (bundled by bench/webgpu-bench.ts): Kiln on webgpu, onnxruntime-web's WebGPU EP
 * (global `ort` from ort.webgpu.min.js) and TensorFlow.js's webgpu backend, on the same adapter, run in
 * turn within each iteration so that load from elsewhere hits all three alike. Every timed run uploads its
 * input and reads its output back to the CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import '../src/index.js'; // registers the ONNX reader and the reference backend
// The engine's session runs in this thread, next to ORT and tfjs (the package's default runs in a worker).
import { InferenceSession, Tensor, registerBackend } from '../src/engine/index.js';
import { createWebGpuBackend } from '../src/shaders/index.js';
import { matmulOnnx } from './webgpu-onnx.js';

registerBackend('webgpu', () => createWebGpuBackend());

declare const ort: {
  env: { wasm: { wasmPaths: string; numThreads: number } };
  InferenceSession: { create(b: Uint8Array, o: unknown): Promise<{ run(f: Record<string, unknown>): Promise<Record<string, { data: unknown }>>; release(): Promise<void> }> };
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => unknown;
};

export interface Workload {
  readonly name: string;
  /** Model URL, or a MatMul [M, K, N] built here. */
  readonly url?: string;
  readonly matmul?: readonly [number, number, number];
}

type Runner = () => Promise<void>;

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  });
}

async function feedsFor(bytes: Uint8Array): Promise<Record<string, Tensor>> {
  const probe = await InferenceSession.create(bytes, { backends: ['reference'], graphOptimizationLevel: 'disabled' });
  const feeds: Record<string, Tensor> = {};
  for (const m of probe.inputMetadata) {
    const dims = (m.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[m.name] = m.type === 'int64'
      ? new Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(m.name.includes('mask') ? 1 : (i * 7919) % 1000)), dims)
      : new Tensor('float32', rand(n, 7), dims);
  }
  await probe.release();
  return feeds;
}

async function setup(w: Workload): Promise<Record<string, Runner>> {
  let bytes: Uint8Array;
  let tfRun: Runner | undefined;
  if (w.matmul) {
    const [M, K, N] = w.matmul;
    const b = rand(K * N, 3);
    bytes = matmulOnnx(M, K, N, b);
    const a = rand(M * K, 5);
    const tb = tf.tensor2d(b, [K, N]);
    tfRun = async () => {
      const ta = tf.tensor2d(a, [M, K]);
      const y = tf.matMul(ta, tb);
      await y.data();
      ta.dispose();
      y.dispose();
    };
  } else {
    bytes = new Uint8Array(await (await fetch(w.url!)).arrayBuffer());
  }
  const feeds = await feedsFor(bytes);
  const kiln = await InferenceSession.create(bytes, { backends: ['webgpu'] });
  const ortSession = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
  const ortFeeds: Record<string, unknown> = {};
  for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(t.type, t.data, t.dims);
  const runners: Record<string, Runner> = {
    kiln: async () => {
      const out = await kiln.run(feeds);
      void Object.values(out)[0]!.data;
    },
    'ort-web': async () => {
      const out = await ortSession.run(ortFeeds);
      void Object.values(out)[0]!.data;
    },
  };
  if (tfRun) runners['tfjs'] = tfRun;
  return runners;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bench(workloads: readonly Workload[], iters: number, warmup: number) {
  ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
  ort.env.wasm.numThreads = 1;
  await tf.setBackend('webgpu');
  await tf.ready();
  const results: { name: string; medians: Record<string, number> }[] = [];
  for (const w of workloads) {
    const runners = await setup(w);
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
    for (let i = 0; i < warmup + iters; i++) {
      for (const [k, run] of Object.entries(runners)) {
        const t0 = performance.now();
        await run();
        if (i >= warmup) times[k]!.push(performance.now() - t0);
      }
    }
    results.push({ name: w.name, medians: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) });
  }
  return results;
}

Object.assign(globalThis, { kilnBench: { bench }, ready: true });
