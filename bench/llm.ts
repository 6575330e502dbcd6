/**
 * `npm run bench:llm`: Kiln vs wllama on the same synthetic GGUF files, the same prompt and the same
 * thread count. Files are written once by scripts/gguf-synth.ts (seeded) at the shapes of real models
 * and cached. For each shape × weight type × thread count it measures prefill tok/s (a `--prompt`
 * token prompt, default 512) and decode tok/s (`--gen` tokens, default 128), `--runs` times, and reports
 * medians, the Kiln/wllama ratio and peak memory. Kiln runs in Node (one child process per case, so
 * peak RSS is the case's own); wllama runs in Debian's Chromium through playwright-core, served with
 * COOP/COEP so it can use WASM threads.
 *
 *   npm run bench:llm -- [--shapes qwen2.5-0.5b,llama-3.2-1b] [--types q4_0,q8_0,q4_k] [--threads 1,2]
 *                        [--backend wasm] [--prompt 512] [--gen 128] [--runs 3] [--no-wllama] [--no-kiln]
 *
 * Results: a table on stdout and bench/results/llm-<time>.{json,md}.
 */
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SHAPES, writeSynthGguf, type SynthType } from '../scripts/gguf-synth.js';
import { benchPromptText, type KilnRun } from './llm-kiln.js';

const ROOT = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

interface Options {
  shapes: string[]; types: SynthType[]; threads: number[]; backend: string;
  prompt: number; gen: number; runs: number; wllama: boolean; kiln: boolean; cache: string;
}

function parse(argv: string[]): Options {
  const get = (n: string, d: string) => {
    const i = argv.indexOf(n);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : d;
  };
  return {
    shapes: get('--shapes', 'qwen2.5-0.5b,llama-3.2-1b').split(','),
    types: get('--types', 'q4_0,q8_0,q4_k').split(',') as SynthType[],
    threads: get('--threads', '1,2').split(',').map(Number),
    backend: get('--backend', 'wasm'),
    prompt: Number(get('--prompt', '512')),
    gen: Number(get('--gen', '128')),
    runs: Number(get('--runs', '3')),
    wllama: !argv.includes('--no-wllama'),
    kiln: !argv.includes('--no-kiln'),
    cache: get('--cache', join(tmpdir(), 'kiln-llm-bench')),
  };
}

const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function ensureModel(o: Options, shape: string, type: SynthType): Promise<string> {
  mkdirSync(o.cache, { recursive: true });
  const file = join(o.cache, `${shape}-${type}-seed1.gguf`);
  if (!existsSync(file)) {
    const spec = SHAPES[shape];
    if (!spec) throw new Error(`unknown shape '${shape}' (${Object.keys(SHAPES).join(', ')})`);
    process.stderr.write(`writing ${file} … `);
    const size = await writeSynthGguf(file, spec, type);
    process.stderr.write(`${(size / 2 ** 20).toFixed(0)} MiB\n`);
  }
  return file;
}

async function kiln(o: Options, file: string, threads: number): Promise<KilnRun | { error: string }> {
  try {
    const { stdout } = await run('npx', ['tsx', join(ROOT, 'bench/llm-kiln.ts'), file, '--backend', o.backend, '--threads', String(threads),
      '--prompt', String(o.prompt), '--gen', String(o.gen), '--runs', String(o.runs)], { cwd: ROOT, maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as KilnRun;
  } catch (e) {
    return { error: ((e as { stderr?: string }).stderr ?? String(e)).trim().split('\n').slice(-3).join(' | ') };
  }
}

/** A static server for the page: the repo at /, the model cache at /models/, with COOP/COEP. */
function serve(cache: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = path.startsWith('/models/') ? join(cache, path.slice(8)) : join(ROOT, path);
    if (!file.startsWith(ROOT) && !file.startsWith(cache)) return void res.writeHead(403).end();
    let size = -1;
    try { size = statSync(file).isFile() ? statSync(file).size : -1; } catch { /* 404 */ }
    if (size < 0) return void res.writeHead(404).end();
    res.writeHead(200, {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Content-Length': size,
      'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

interface WllamaRun { threads: number; multithread: boolean; prefill_tok_s: number[]; decode_tok_s: number[]; prompt_n: number[]; predicted_n: number[]; load_ms: number; peak_bytes: number | null }

async function wllamaBench(o: Options, cases: { file: string; threads: number }[]): Promise<(WllamaRun | { error: string })[]> {
  const { chromium } = await import('playwright-core');
  const { server, url } = await serve(o.cache);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--enable-features=SharedArrayBuffer'] });
  const out: (WllamaRun | { error: string })[] = [];
  try {
    for (const c of cases) {
      const page = await browser.newPage();
      try {
        await page.goto(`${url}/bench/llm-wllama.html`);
        await page.waitForFunction(() => (window as unknown as { wllamaReady?: boolean }).wllamaReady === true);
        const args = { model: `${url}/models/${c.file.split('/').pop()}`, threads: c.threads, promptText: benchPromptText(o.prompt), ctx: o.prompt + o.gen + 8, gen: o.gen, runs: o.runs };
        out.push(await page.evaluate((a) => (window as unknown as { benchWllama(x: typeof a): Promise<WllamaRun> }).benchWllama(a), args));
      } catch (e) {
        out.push({ error: (e as Error).message.split('\n')[0]! });
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  return out;
}

const fmt = (x: number | null | undefined, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));
const mib = (b: number | null | undefined) => (b ? (b / 2 ** 20).toFixed(0) : '–');

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const cases: { shape: string; type: SynthType; threads: number; file: string }[] = [];
  for (const shape of o.shapes) for (const type of o.types) {
    const file = await ensureModel(o, shape, type);
    for (const threads of o.threads) cases.push({ shape, type, threads, file });
  }
  const kilnResults: (KilnRun | { error: string } | undefined)[] = [];
  for (const c of cases) {
    process.stderr.write(`kiln ${c.shape} ${c.type} ${c.threads}t … `);
    kilnResults.push(o.kiln ? await kiln(o, c.file, c.threads) : undefined);
    process.stderr.write('done\n');
  }
  const wl = o.wllama ? await wllamaBench(o, cases) : cases.map(() => undefined);
  const rows = cases.map((c, i) => {
    const k = kilnResults[i];
    const w = wl[i];
    const kp = k && 'prefill_tok_s' in k ? median(k.prefill_tok_s) : NaN;
    const kd = k && 'decode_tok_s' in k ? median(k.decode_tok_s) : NaN;
    const wp = w && 'prefill_tok_s' in w ? median(w.prefill_tok_s) : NaN;
    const wd = w && 'decode_tok_s' in w ? median(w.decode_tok_s) : NaN;
    return { ...c, kiln: k, wllama: w, kiln_prefill: kp, wllama_prefill: wp, prefill_ratio: kp / wp, kiln_decode: kd, wllama_decode: wd, decode_ratio: kd / wd };
  });
  const md = [
    `Kiln (${o.backend}, Node ${process.version}) vs wllama ${(await import('@wllama/wllama/package.json', { with: { type: 'json' } })).default.version} (Chromium): prompt ${o.prompt} tokens, decode ${o.gen} tokens, median of ${o.runs}`,
    '',
    '| model | type | threads | prefill Kiln | prefill wllama | ratio | decode Kiln | decode wllama | ratio | peak Kiln MiB (RSS) | peak wllama MiB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const k = r.kiln && 'peak_bytes' in r.kiln ? `${mib(r.kiln.peak_bytes)} (${mib(r.kiln.rss_peak_bytes)})` : r.kiln ? `error: ${(r.kiln as { error: string }).error}` : '–';
      const w = r.wllama && 'peak_bytes' in r.wllama ? mib(r.wllama.peak_bytes) : r.wllama ? `error: ${(r.wllama as { error: string }).error}` : '–';
      return `| ${r.shape} | ${r.type} | ${r.threads} | ${fmt(r.kiln_prefill)} | ${fmt(r.wllama_prefill)} | ${fmt(r.prefill_ratio, 2)} | ${fmt(r.kiln_decode)} | ${fmt(r.wllama_decode)} | ${fmt(r.decode_ratio, 2)} | ${k} | ${w} |`;
    }),
  ].join('\n');
  process.stdout.write(md + '\n');
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(dir, `llm-${stamp}.json`), JSON.stringify({ options: o, rows }, null, 1));
  writeFileSync(join(dir, `llm-${stamp}.md`), md + '\n');
}

await main();
