/**
 * Whole-backend checks, run in Node (Dawn) and in Chromium: no GPU memory leaks over 1,000 runs (pool
 * statistics), one submit per run, pipelines compiled at session creation, outputs kept on the GPU and
 * fed back (IO binding), GPU timestamps, and a session that survives device.destroy().
 */
import '../../src/index.js'; // registers the ONNX reader and the reference backend
import { Graph, InferenceSession, Node, Tensor, registerBackend, type Attribute, type Model } from '../../src/engine/index.js';
import { tensorType } from '../../src/engine/ir/types.js';
import { createWebGpuBackend, type WebGpuBackend } from '../../src/shaders/index.js';
import { KernelContext } from '../../src/shaders/kernel.js';
import { blockQuantMatMul } from '../../src/shaders/programs/quant.js';
import { dequantize } from '../../src/formats/gguf/index.js';
import { quantize } from '../formats/gguf-quantize.js';
import { compare, lastBackend, registerWebGpu } from './harness.js';
import { f32 } from './cases.js';

const W = f32([16, 24]);
const B = f32([24]);

/** x[2,16] → MatMul(W[16,24]) → Add(b) → Relu → Softmax: four kernels, two constants. */
function tinyModel(): Model {
  const g = new Graph();
  g.opsets.set('', 18);
  g.inputs.push({ name: 'x', type: tensorType('float32', [2, 16]) });
  g.initializers.set('W', W);
  g.initializers.set('b', B);
  const n = (name: string, op: string, ins: string[], out: string, attrs = new Map<string, Attribute>()) => g.nodes.push(new Node(name, op, ins, [out], attrs));
  n('mm', 'MatMul', ['x', 'W'], 'h');
  n('add', 'Add', ['h', 'b'], 'hb');
  n('relu', 'Relu', ['hb'], 'r');
  n('sm', 'Softmax', ['r'], 'y');
  g.outputs = [{ name: 'y' }];
  return { format: 'onnx', graph: g, metadata: new Map() };
}

const TOL = { rtol: 1e-4, atol: 1e-6 };

async function expected(x: Tensor): Promise<Tensor> {
  const ref = await InferenceSession.fromModel(tinyModel(), { backends: ['reference'] });
  return (await ref.run({ x })).y!;
}

async function gpuSession(extra: { preferredOutputLocation?: 'gpu-buffer' } = {}): Promise<{ s: InferenceSession; b: WebGpuBackend }> {
  const s = await InferenceSession.fromModel(tinyModel(), { backends: ['webgpu'], ...extra });
  return { s, b: lastBackend()! };
}

/** y = x · dequant(W)ᵀ on the GPU vs the CPU, for each block type, with sizes off the tiles. */
async function blockQuantCase(type: 'q8_0' | 'q4_0'): Promise<string | undefined> {
  const [M, K, N] = [5, 96, 70];
  const x = f32([M, K]);
  const wf = f32([N, K]).data as Float32Array;
  const bytes = quantize(type, wf);
  const deq = dequantize(type, bytes, N * K);
  const want = new Float32Array(M * N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += (x.data as Float32Array)[m * K + k]! * deq[n * K + k]!;
    want[m * N + n] = s;
  }
  const b = await createWebGpuBackend();
  const ctx = new KernelContext(b.rt, b.capabilities);
  const y = blockQuantMatMul(ctx, b.upload(x), b.upload(new Tensor(type, bytes, [N, K])));
  const got = await y.toCpu();
  y.dispose();
  return compare(got, new Tensor('float32', want, [M, N]), { rtol: 1e-4, atol: 1e-4 });
}

export const SYSTEM_TESTS: readonly { name: string; run: () => Promise<string | undefined> }[] = [
  { name: 'Q8_0 weights dequantized in the matmul', run: () => blockQuantCase('q8_0') },
  { name: 'Q4_0 weights dequantized in the matmul', run: () => blockQuantCase('q4_0') },
  {
    name: 'no GPU buffer leaks across 1,000 runs (pool statistics)',
    run: async () => {
      const x = f32([2, 16]);
      const want = await expected(x);
      const { s, b } = await gpuSession();
      const before = b.report().stats.pool;
      const first = (await s.run({ x })).y!;
      const d = compare(first, want, TOL);
      if (d) return `first run: ${d}`;
      const warm = b.report().stats.pool;
      for (let i = 0; i < 1000; i++) await s.run({ x });
      const after = b.report().stats.pool;
      if (after.live !== warm.live) return `live regions ${warm.live} after one run, ${after.live} after 1,001`;
      if (after.buffersCreated !== warm.buffersCreated) return `GPU buffers created after warm-up: ${after.buffersCreated - warm.buffersCreated}`;
      await s.release();
      const released = b.report().stats.pool;
      if (released.live !== before.live) return `live regions ${before.live} before the session, ${released.live} after release()`;
      return undefined;
    },
  },
  {
    name: 'outputs stay on the GPU, are fed to the next run, and are freed by dispose() (1,000 runs)',
    run: async () => {
      const x = f32([2, 16]);
      const { s, b } = await gpuSession({ preferredOutputLocation: 'gpu-buffer' });
      const first = (await s.run({ x })).y!;
      if (first.location !== 'gpu-buffer' || !(first.deviceStorage?.handle instanceof GPUBuffer)) return `output location ${first.location}`;
      const downloads = b.report().stats.downloads;
      const warm = b.report().stats.pool.live;
      for (let i = 0; i < 1000; i++) (await s.run({ x })).y!.dispose();
      if (b.report().stats.downloads !== downloads) return 'outputs were downloaded';
      if (b.report().stats.pool.live !== warm) return `live regions ${warm} → ${b.report().stats.pool.live}`;
      // Feed a GPU tensor to a model whose input is a [2, 24]-shaped slice of the same kind: reuse the output.
      const g = new Graph();
      g.opsets.set('', 18);
      g.inputs.push({ name: 'y', type: tensorType('float32', [2, 24]) });
      g.nodes.push(new Node('neg', 'Neg', ['y'], ['z']));
      g.outputs = [{ name: 'z' }];
      const s2 = await InferenceSession.fromModel({ format: 'onnx', graph: g, metadata: new Map() }, { backends: ['webgpu'] });
      const z = (await s2.run({ y: first })).z!;
      const y = await first.toCpu();
      const d = compare(z, new Tensor('float32', (y.data as Float32Array).map((v) => -v), [2, 24]), TOL);
      first.dispose();
      await s.release();
      await s2.release();
      return d;
    },
  },
  {
    name: 'a run is one submit; pipelines compile at session creation',
    run: async () => {
      const x = f32([2, 16]);
      const { s, b } = await gpuSession();
      const compiled = b.rt.pipelines.compiled;
      if (compiled === 0 && b.rt.pipelines.size === 0) return 'no pipeline compiled by prepare()';
      const size = b.rt.pipelines.size;
      await s.run({ x });
      const s0 = b.report().stats.submits;
      await s.run({ x });
      const per = b.report().stats.submits - s0;
      if (b.rt.pipelines.size !== size) return `the first run compiled ${b.rt.pipelines.size - size} more pipeline(s)`;
      await s.release();
      return per === 1 ? undefined : `${per} submits in one run`;
    },
  },
  {
    name: 'GPU timestamps per node',
    run: async () => {
      const { s, b } = await gpuSession();
      if (!b.capabilities.features.timestampQuery) return undefined;
      b.setProfiling(true);
      await s.run({ x: f32([2, 16]) });
      const times = await b.collectProfile();
      b.setProfiling(false);
      await s.release();
      const names = [...times.keys()].sort().join(',');
      return names === 'add,mm,relu,sm' && [...times.values()].every((ms) => ms >= 0) ? undefined : `timestamps for [${names}]`;
    },
  },
  {
    name: 'device.destroy(): the session falls back to reference and reports it',
    run: async () => {
      const x = f32([2, 16]);
      const want = await expected(x);
      let own: WebGpuBackend | undefined;
      registerBackend('webgpu', async () => (own = await createWebGpuBackend({ ownDevice: true })));
      try {
        const s = await InferenceSession.fromModel(tinyModel(), { backends: ['webgpu', 'reference'] });
        const before = compare((await s.run({ x })).y!, want, TOL);
        if (before) return `before the loss: ${before}`;
        own!.context.device.destroy();
        await own!.context.device.lost;
        const after = (await s.run({ x })).y!;
        const d = compare(after, want, TOL);
        if (d) return `after the loss: ${d}`;
        if (s.fallbacks.length !== 1 || s.fallbacks[0]!.backend !== 'webgpu') return `fallbacks: ${JSON.stringify(s.fallbacks)}`;
        if (Object.keys(s.backendSummary).join() !== 'reference') return `still planned on ${Object.keys(s.backendSummary).join()}`;
        const again = compare((await s.run({ x })).y!, want, TOL);
        await s.release();
        return again ? `third run: ${again}` : undefined;
      } finally {
        registerWebGpu();
      }
    },
  },
];
