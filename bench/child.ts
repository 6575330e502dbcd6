/**
 * One benchmark process for one thread count (onnxruntime-web fixes its thread count when it starts, so
 * each count gets its own process). Kiln and onnxruntime-web run the same inputs in the same process,
 * alternately, and each result line is printed as JSON for bench/run.ts.
 */
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
import { InferenceSession, Tensor, registerBackend } from '../src/index.js';
import { createWasmBackend } from '../src/wasm/index.js';
import { loadRuntime } from '../src/wasm/loader.js';
import { modelInputs } from './inputs.js';
import { matmulModel } from './onnx-build.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const threads = Number(opt('threads', '1'));
const models = opt('models', '').split(',').filter(Boolean);
const gemmSizes = opt('gemm', '').split(',').filter(Boolean).map(Number);
const runs = Number(opt('runs', '20'));
const warmup = Number(opt('warmup', '5'));
const peak = args.includes('--peak');
/** Idle ms before each timed run: both runtimes' pools stop spinning between runs, so neither steals a core from the other. */
const gap = Number(opt('gap', '30'));

ort.env.wasm.numThreads = threads;
ort.env.logLevel = 'error';
registerBackend('wasm', () => createWasmBackend({ numThreads: threads }));

const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Pair { kiln: () => Promise<Float32Array>; peer: () => Promise<Float32Array> }

/** Warm-up, then `n` rounds alternating which runtime goes first; times in ms. */
async function race(p: Pair, n: number, w: number): Promise<{ kiln: number[]; peer: number[] }> {
  for (let i = 0; i < w; i++) { await p.kiln(); await p.peer(); }
  const kiln: number[] = [], peer: number[] = [];
  const time = async (f: () => Promise<unknown>, into: number[]) => {
    if (gap > 0) await new Promise((r) => setTimeout(r, gap));
    const t0 = performance.now();
    await f();
    into.push(performance.now() - t0);
  };
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) { await time(p.kiln, kiln); await time(p.peer, peer); }
    else { await time(p.peer, peer); await time(p.kiln, kiln); }
  }
  return { kiln, peer };
}

const maxDiff = (a: Float32Array, b: Float32Array) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

async function pairFor(bytes: Uint8Array, feeds: { name: string; type: 'float32' | 'int64'; dims: number[]; data: Float32Array | BigInt64Array }[]): Promise<Pair & { kilnBackends: Record<string, number> }> {
  const ks = await InferenceSession.create(bytes, { backends: ['wasm', 'reference'] });
  const os = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const kFeeds = Object.fromEntries(feeds.map((f) => [f.name, new Tensor(f.type, f.data, f.dims)]));
  const oFeeds = Object.fromEntries(feeds.map((f) => [f.name, new ort.Tensor(f.type, f.data, f.dims)]));
  return {
    kilnBackends: { ...ks.backendSummary },
    kiln: async () => (await ks.run(kFeeds))[ks.outputNames[0]!]!.data as Float32Array,
    peer: async () => (await os.run(oFeeds))[os.outputNames[0]!]!.data as Float32Array,
  };
}

for (const model of models) {
  const { path, inputs, expected } = modelInputs(model);
  const pair = await pairFor(new Uint8Array(readFileSync(path)), inputs);
  const k = await pair.kiln();
  const o = await pair.peer();
  const r = await race(pair, runs, warmup);
  const km = median(r.kiln), om = median(r.peer);
  emit({
    kind: 'model', model, threads, kiln_ms: km, kiln_min: Math.min(...r.kiln), peer: 'onnxruntime-web', peer_ms: om,
    peer_min: Math.min(...r.peer), ratio: km / om, kiln_maxdiff: maxDiff(k, expected), peer_maxdiff: maxDiff(o, expected),
    kiln_backends: pair.kilnBackends,
  });
}

for (const n of gemmSizes) {
  const w = new Float32Array(n * n).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const x = new Float32Array(n * n).map((_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
  const pair = await pairFor(matmulModel(n, n, n, w), [{ name: 'x', type: 'float32', dims: [n, n], data: x }]);
  const diff = maxDiff(await pair.kiln(), await pair.peer());
  const reps = Math.max(3, Math.min(runs, Math.round(2e10 / (2 * n * n * n))));
  const r = await race(pair, reps, 2);
  const flops = 2 * n * n * n;
  emit({
    kind: 'gemm', n, threads, kiln_ms: median(r.kiln), peer: 'onnxruntime-web', peer_ms: median(r.peer),
    kiln_gflops: flops / median(r.kiln) / 1e6, peer_gflops: flops / median(r.peer) / 1e6,
    kiln_best_gflops: flops / Math.min(...r.kiln) / 1e6, ratio: median(r.kiln) / median(r.peer), maxdiff_vs_peer: diff,
  });
}

if (peak) {
  // One core: the single-threaded builds, measured back to back in this process.
  const iters = 2_000_000;
  const flops = iters * 12 * 8;
  const measure = async (build: 'simd' | 'relaxed', fn: string) => {
    const rt = await loadRuntime({ build, numThreads: 1 });
    const f = rt.fn(fn);
    f(iters / 10, 0.999, 0.001);
    const t: number[] = [];
    for (let i = 0; i < 9; i++) { const t0 = performance.now(); f(iters, 0.999, 0.001); t.push(performance.now() - t0); }
    return { median: flops / median(t) / 1e6, best: flops / Math.min(...t) / 1e6 };
  };
  const muladd = await measure('simd', 'peak_muladd');
  let madd: { median: number; best: number } | undefined;
  try { madd = await measure('relaxed', 'peak_madd'); } catch { /* relaxed SIMD unavailable */ }
  emit({ kind: 'peak', muladd_gflops: muladd.median, muladd_best: muladd.best, madd_gflops: madd?.median, madd_best: madd?.best });
}
process.exit(0);
