/**
 * `npm run bench`: runs the benchmark models in ../shared/models on a backend in Node, checks each output
 * against PyTorch's, and prints the time per run. With `--ort`, onnxruntime-web (wasm, one thread unless
 * `--threads N`) runs the same inputs, interleaved with Kiln run by run, and its median is printed beside.
 * (The browser version of this, side by side, is the demo's Bench tab: `npm run demo`.)
 *
 *   npm run bench -- [--backend reference] [--model mobilenet_v2,resnet18] [--runs 3] [--ort] [--threads 1]
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, type Tensor } from '../src/index.js';
import { readNpy } from '../src/cli/npy.js';
import { toNumbers } from '../src/engine/elements.js';

const args = process.argv.slice(2);
const opt = (n: string) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : undefined);
const backend = opt('backend') ?? 'reference';
const runs = Number(opt('runs') ?? 3);
const withOrt = args.includes('--ort');
const root = new URL('../../shared/models/', import.meta.url).pathname;
const models = (opt('model')?.split(',') ?? readdirSync(root).filter((d) => existsSync(join(root, d, 'io.json'))).sort());

interface OrtLike {
  env: { wasm: { numThreads?: number } };
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => unknown;
  InferenceSession: { create(bytes: Uint8Array, o: { executionProviders: string[] }): Promise<{ run(f: Record<string, unknown>): Promise<Record<string, { data: ArrayLike<number> }>>; release(): Promise<void> }> };
}
const ort = withOrt ? ((await import('onnxruntime-web')) as unknown as OrtLike) : undefined;
if (ort) ort.env.wasm.numThreads = Number(opt('threads') ?? 1);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface IoEntry { name: string; file: string }
for (const name of models) {
  const dir = join(root, name);
  const io = JSON.parse(readFileSync(join(dir, 'io.json'), 'utf8')) as { inputs: IoEntry[]; outputs: IoEntry[] };
  const t0 = performance.now();
  const session = await InferenceSession.create(join(dir, 'model.onnx'), { backends: [backend] });
  const loadMs = performance.now() - t0;
  const feeds = Object.fromEntries(io.inputs.map((i) => [i.name, readNpy(new Uint8Array(readFileSync(join(dir, i.file))))]));
  const peer = ort && (await ort.InferenceSession.create(new Uint8Array(readFileSync(join(dir, 'model.onnx'))), { executionProviders: ['wasm'] }));
  const peerFeeds = ort && Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)]));
  const times: number[] = [];
  const peerTimes: number[] = [];
  let out: Record<string, Tensor> = {};
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    out = await session.run(feeds);
    times.push(performance.now() - t);
    if (peer && peerFeeds) {
      const p = performance.now();
      await peer.run(peerFeeds);
      peerTimes.push(performance.now() - p);
    }
  }
  const diffs = io.outputs.map((o) => {
    const want = toNumbers(readNpy(new Uint8Array(readFileSync(join(dir, o.file)))));
    const got = toNumbers(out[o.name]!);
    let d = 0;
    for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(want[i]! - got[i]!));
    return d;
  });
  const peerText = peerTimes.length ? `; onnxruntime-web wasm median ${median(peerTimes).toFixed(1)} ms (Kiln/ORT ${(median(times) / median(peerTimes)).toFixed(1)}×)` : '';
  console.log(`${name.padEnd(14)} ${backend}: load ${loadMs.toFixed(0)} ms, run median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}), max |diff| vs PyTorch ${Math.max(...diffs).toExponential(2)}${peerText}`);
  await session.release();
  await peer?.release();
}
