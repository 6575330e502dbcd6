/**
 * The `--backend remote` rows of the benchmark: each model of ../shared/models through Kiln's remote
 * backend to a `kiln host`, checked against PyTorch's output, beside the same model on a local backend.
 *
 *   npx tsx bench/remote.ts [--engine ort,kiln] [--model mobilenet_v2,resnet18] [--runs 5] [--local reference|none]
 *   npx tsx bench/remote.ts --url http://gpu-box:8000 --token T    # a host started elsewhere (its repo must hold the models by name)
 *
 * Without --url, a host is started in this process on 127.0.0.1 (port 0) over ../shared/models, once per
 * engine. Times are wall time per run() as the client sees it (encoding, HTTP on loopback, host queue,
 * inference, decoding). Rows print in the format of `npm run bench`; bench/run-models.ts can hand
 * `--backend remote` here: `if (backend === 'remote') await (await import('./remote.js')).runRemoteBench(args)`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InferenceSession, type Tensor } from '../src/index.js';
import { readNpy } from '../src/cli/npy.js';
import { toNumbers } from '../src/engine/elements.js';
import { BridgeSession } from '../src/bridges/client/index.js';
import { startHost, type RunningHost } from '../src/bridges/host/index.js';

const root = new URL('../../shared/models/', import.meta.url).pathname;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface IoEntry { name: string; file: string }

async function timeRuns(runs: number, label: string, name: string, load: () => Promise<{ run(f: Record<string, Tensor>): Promise<Record<string, Tensor>>; release(): Promise<void> }>): Promise<void> {
  const dir = join(root, name);
  const io = JSON.parse(readFileSync(join(dir, 'io.json'), 'utf8')) as { inputs: IoEntry[]; outputs: IoEntry[] };
  const feeds = Object.fromEntries(io.inputs.map((i) => [i.name, readNpy(new Uint8Array(readFileSync(join(dir, i.file))))]));
  const t0 = performance.now();
  const s = await load();
  const loadMs = performance.now() - t0;
  const times: number[] = [];
  let out: Record<string, Tensor> = {};
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    out = await s.run(feeds);
    times.push(performance.now() - t);
  }
  const diff = Math.max(...io.outputs.map((o) => {
    const want = toNumbers(readNpy(new Uint8Array(readFileSync(join(dir, o.file)))));
    const got = toNumbers(out[o.name]!);
    let d = 0;
    for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(want[i]! - got[i]!));
    return d;
  }));
  console.log(`${name.padEnd(14)} ${label}: load ${loadMs.toFixed(0)} ms, run median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}), max |diff| vs PyTorch ${diff.toExponential(2)}`);
  await s.release();
}

/** Prints the remote rows (and the local ones, unless --local none) for `argv` (the flags above). */
export async function runRemoteBench(argv: readonly string[]): Promise<void> {
  const opt = (n: string) => (argv.includes(`--${n}`) ? argv[argv.indexOf(`--${n}`) + 1] : undefined);
  const runs = Number(opt('runs') ?? 5);
  const engines = (opt('engine') ?? 'ort,kiln').split(',') as ('ort' | 'kiln')[];
  const localBackend = opt('local') ?? 'reference';
  const models = opt('model')?.split(',') ?? readdirSync(root).filter((d) => existsSync(join(root, d, 'io.json'))).sort();
  const external = opt('url');
  for (const engine of external ? ['external'] : engines) {
    let host: RunningHost | undefined;
    const token = opt('token') ?? 'bench-token-0123456789abcdef';
    if (!external) host = await startHost({ repo: root, token, port: 0, engine: engine as 'ort' | 'kiln' });
    const url = external ?? host!.url;
    for (const name of models) {
      await timeRuns(runs, `remote (${engine === 'external' ? url : `${engine} host, loopback`})`, name, async () => {
        const s = await BridgeSession.create(join(root, name, 'model.onnx'), { backends: [{ url, token, model: name, timeoutMs: 600_000 }] });
        if (!s.remote) throw new Error(`${name}: the remote backend was not used: ${JSON.stringify(s.fallbacks)}`);
        return s;
      });
    }
    await host?.close();
  }
  if (localBackend !== 'none') {
    for (const name of models) await timeRuns(runs, localBackend, name, () => InferenceSession.create(join(root, name, 'model.onnx'), { backends: [localBackend] }));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runRemoteBench(process.argv.slice(2));
