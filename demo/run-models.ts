/**
 * `npm run demo` (until the browser demo page lands): runs the benchmark models in ../shared/models on a
 * backend, checks each output against PyTorch's, and prints the time per run.
 *
 *   npm run demo -- [--backend reference] [--model mobilenet_v2] [--runs 3]
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
const root = new URL('../../shared/models/', import.meta.url).pathname;
const models = (opt('model')?.split(',') ?? readdirSync(root).filter((d) => existsSync(join(root, d, 'io.json'))).sort());

interface IoEntry { name: string; file: string }
for (const name of models) {
  const dir = join(root, name);
  const io = JSON.parse(readFileSync(join(dir, 'io.json'), 'utf8')) as { inputs: IoEntry[]; outputs: IoEntry[] };
  const t0 = performance.now();
  const session = await InferenceSession.create(join(dir, 'model.onnx'), { backends: [backend] });
  const loadMs = performance.now() - t0;
  const feeds = Object.fromEntries(io.inputs.map((i) => [i.name, readNpy(new Uint8Array(readFileSync(join(dir, i.file))))]));
  const times: number[] = [];
  let out: Record<string, Tensor> = {};
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    out = await session.run(feeds);
    times.push(performance.now() - t);
  }
  const diffs = io.outputs.map((o) => {
    const want = toNumbers(readNpy(new Uint8Array(readFileSync(join(dir, o.file)))));
    const got = toNumbers(out[o.name]!);
    let d = 0;
    for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(want[i]! - got[i]!));
    return d;
  });
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(14)} ${backend}: load ${loadMs.toFixed(0)} ms, run median ${times[times.length >> 1]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}), max |diff| vs PyTorch ${Math.max(...diffs).toExponential(2)}`);
  await session.release();
}
