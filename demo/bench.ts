/**
 * The Bench tab: Kiln and onnxruntime-web on the same model and the same inputs, runs interleaved
 * (Kiln, then each ORT provider, N times) so machine noise hits both alike. onnxruntime-web is loaded
 * on demand from ./ort/ (the dev server serves node_modules/onnxruntime-web/dist there; the static
 * build copies the files), with `env.wasm.wasmPaths` pointing at the same folder.
 */
import { randomFeeds } from './inputs.js';
import { InferenceSession, type LoadProgressEvent, type SessionOptions, type Tensor } from './kiln.js';
import { bytesOrUrl, type ModelChoice } from './models.js';
import { $, barChart, median, ms, percentile, table } from './render.js';

/** The slice of onnxruntime-web's API the bench uses. */
interface OrtTensor {
  readonly data: ArrayLike<number | bigint>;
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  env: { wasm: { wasmPaths?: string; numThreads?: number } };
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => unknown;
  InferenceSession: { create(model: Uint8Array | string, opts: { executionProviders: string[] }): Promise<OrtSession> };
}

interface Engine {
  readonly name: string;
  readonly createMs: number;
  readonly run: () => Promise<Float64Array[]>;
  readonly release: () => Promise<void>;
  readonly times: number[];
  first?: number;
  diff?: number;
}

async function loadOrt(webgpu: boolean, threads: number): Promise<Ort> {
  const base = new URL('ort/', document.baseURI).href;
  const ort = (await import(/* @vite-ignore */ `${base}${webgpu ? 'ort.webgpu.min.mjs' : 'ort.wasm.min.mjs'}`)) as Ort;
  ort.env.wasm.wasmPaths = base;
  ort.env.wasm.numThreads = threads;
  return ort;
}

const asNumbers = (d: ArrayLike<number | bigint>): Float64Array => Float64Array.from(d as ArrayLike<number>, (x) => Number(x));

function maxDiff(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  let m = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    for (let k = 0; k < x.length; k++) m = Math.max(m, Math.abs(x[k]! - (y[k] ?? NaN)) || 0);
  });
  return m;
}

export function setupBench(choice: () => Promise<ModelChoice>, options: (p?: (e: LoadProgressEvent) => void) => SessionOptions, showError: (e: unknown) => void): void {
  const status = $('bench-status');
  $('bench-run').onclick = async () => {
    const btn = $<HTMLButtonElement>('bench-run');
    btn.disabled = true;
    const engines: Engine[] = [];
    try {
      const c = await choice();
      const runs = Math.max(1, Number($<HTMLInputElement>('bench-runs').value) || 1);
      const threads = Math.max(1, Number($<HTMLInputElement>('bench-threads').value) || 1);
      status.textContent = `loading ${c.name} in Kiln…`;
      let t = performance.now();
      const kiln = await InferenceSession.create(c.source, options());
      const feeds = randomFeeds(kiln.inputMetadata, 7);
      const names = kiln.outputNames;
      engines.push({
        name: `Kiln (${Object.keys(kiln.backendSummary).join('+')}${kiln.inWorker ? ', worker' : ''})`,
        createMs: performance.now() - t,
        run: async () => {
          const out = await kiln.run(feeds, { keepInputs: true });
          return names.map((n) => asNumbers(out[n]!.data as ArrayLike<number>));
        },
        release: () => kiln.release(),
        times: [],
      });
      const model = await bytesOrUrl(c);
      const providers = [['wasm', $<HTMLInputElement>('bench-ort-wasm').checked], ['webgpu', $<HTMLInputElement>('bench-ort-webgpu').checked]] as const;
      for (const [ep, on] of providers) {
        if (!on) continue;
        status.textContent = `loading ${c.name} in onnxruntime-web (${ep})…`;
        const ort = await loadOrt(ep === 'webgpu', threads);
        const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, v]: [string, Tensor]) => [k, new ort.Tensor(v.type, v.data, v.dims)]));
        t = performance.now();
        const s = await ort.InferenceSession.create(model, { executionProviders: [ep] });
        engines.push({
          name: `onnxruntime-web (${ep}${ep === 'wasm' ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''})`,
          createMs: performance.now() - t,
          run: async () => {
            const out = await s.run(ortFeeds);
            return names.map((n) => asNumbers(out[n]!.data));
          },
          release: () => s.release(),
          times: [],
        });
      }
      let reference: Float64Array[] | undefined;
      for (let i = 0; i <= runs; i++) {
        status.textContent = i === 0 ? 'first runs…' : `run ${i} of ${runs}…`;
        for (const e of engines) {
          const t0 = performance.now();
          const out = await e.run();
          const dt = performance.now() - t0;
          if (i === 0) {
            e.first = dt;
            reference ??= out;
            e.diff = maxDiff(reference, out);
          } else {
            e.times.push(dt);
          }
        }
      }
      status.textContent = `${c.name}: ${runs} interleaved runs after one first run each`;
      $('bench-table').replaceChildren(table(['engine', 'load + compile', 'first run', 'median', 'min', 'p90', 'max |diff| vs Kiln'],
        engines.map((e) => [e.name, ms(e.createMs), ms(e.first), ms(median(e.times)), ms(Math.min(...e.times)), ms(percentile(e.times, 0.9)), (e.diff ?? 0).toExponential(2)]), [1, 2, 3, 4, 5, 6]));
      const short = (n: string) => n.replace(/^onnxruntime-web \((\w+).*$/, 'ORT $1').replace(/ \(.*$/, '');
      $('bench-chart').replaceChildren(barChart(engines.map((e, i) => ({ label: `${short(e.name)} (median)`, value: median(e.times), alt: i > 0 })), 'ms'));
      document.body.dataset.benched = 'true';
    } catch (e) {
      status.textContent = 'bench failed';
      showError(e);
    } finally {
      for (const e of engines) await e.release().catch(() => undefined);
      btn.disabled = false;
    }
  };
}
