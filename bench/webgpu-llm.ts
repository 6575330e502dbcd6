/**
 * LLM decode and prefill speed of the webgpu backend beside the reference and wasm backends, on the same
 * GGUF files, prompt and token counts (each measurement in its own process: bench/webgpu-llm-run.ts).
 * Optionally also in Chromium (`--browser`, test/browser/pages/webgpu-llm.html).
 *
 *   npx tsx bench/webgpu-llm.ts [--models a.gguf,b.gguf] [--shapes qwen2.5-0.5b --types q4_0,q4_k]
 *                               [--backends reference,wasm,webgpu] [--prompt 64] [--gen 128] [--runs 3]
 *                               [--swiftshader] [--browser]
 *
 * Default models: ../shared/models/llm/stories260K.gguf and stories260K-mixq.gguf. `--shapes` adds
 * synthetic models at real shapes (scripts/gguf-synth.ts, cached in the temp folder). On a machine with a
 * GPU run it as is (Dawn finds the system's driver: see bench/webgpu-llm-gpu.sh); `--swiftshader` gives the
 * webgpu process Chromium's CPU driver, as the tests here use (timings then only indicate).
 * Results: a table on stdout and bench/results/webgpu-llm-<time>.{json,md}.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SHAPES, writeSynthGguf, type SynthType } from '../scripts/gguf-synth.js';
import { gpuChildEnv } from '../test/webgpu/node-gpu.js';
import type { LlmRun } from './webgpu-llm-run.js';

const ROOT = resolve(import.meta.dirname, '..');
const LLM_DIR = resolve(ROOT, '../shared/models/llm');
const run = promisify(execFile);
const argv = process.argv.slice(2);
const get = (n: string, d: string) => (argv.includes(n) && argv[argv.indexOf(n) + 1] ? argv[argv.indexOf(n) + 1]! : d);
const list = (n: string, d: string) => get(n, d).split(',').filter(Boolean);

const opts = {
  models: list('--models', `${LLM_DIR}/stories260K.gguf,${LLM_DIR}/stories260K-mixq.gguf`),
  shapes: list('--shapes', ''),
  types: list('--types', 'q4_0') as SynthType[],
  backends: list('--backends', 'reference,wasm,webgpu'),
  prompt: Number(get('--prompt', '64')),
  gen: Number(get('--gen', '128')),
  runs: Number(get('--runs', '3')),
  swiftshader: argv.includes('--swiftshader'),
  browser: argv.includes('--browser'),
};

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);

async function models(): Promise<string[]> {
  const out = [...opts.models];
  const cache = join(tmpdir(), 'kiln-llm-bench');
  mkdirSync(cache, { recursive: true });
  for (const shape of opts.shapes) for (const type of opts.types) {
    const spec = SHAPES[shape];
    if (!spec) throw new Error(`unknown shape '${shape}' (${Object.keys(SHAPES).join(', ')})`);
    const file = join(cache, `${shape}-${type}-seed1.gguf`);
    if (!existsSync(file)) await writeSynthGguf(file, spec, type);
    out.push(file);
  }
  return out;
}

async function measure(file: string, backend: string): Promise<LlmRun | { error: string }> {
  const env = backend === 'webgpu' && opts.swiftshader ? gpuChildEnv() : process.env;
  try {
    const { stdout } = await run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'bench/webgpu-llm-run.ts'), file, '--backend', backend,
      '--prompt', String(opts.prompt), '--gen', String(opts.gen), '--runs', String(opts.runs)], { cwd: ROOT, env, maxBuffer: 1 << 20, timeout: 1_800_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as LlmRun;
  } catch (e) {
    return { error: ((e as { stderr?: string }).stderr || String(e)).trim().split('\n').filter((l) => !/^\s+at /.test(l)).slice(-2).join(' | ') };
  }
}

async function browserRuns(files: string[]): Promise<Map<string, LlmRun | { error: string }>> {
  const out = new Map<string, LlmRun | { error: string }>();
  const { chromium } = await import('playwright-core');
  const { bundleWebGpuPage } = await import('../test/webgpu/bundle.js');
  await bundleWebGpuPage('webgpu-llm-entry');
  const { spawn } = await import('node:child_process');
  const server = spawn(process.execPath, [join(ROOT, 'test/browser/server.mjs')], { env: { ...process.env, PORT: '8766' }, stdio: 'ignore' });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking'] });
  try {
    await new Promise((r) => setTimeout(r, 500));
    const page = await browser.newPage();
    await page.goto('http://127.0.0.1:8766/test/browser/pages/webgpu-llm.html');
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    for (const file of files) {
      if (!file.startsWith(LLM_DIR)) continue;
      const ids = [1, ...Array.from({ length: opts.prompt - 1 }, (_, i) => 3 + ((i * 7919) % 509))];
      const cases = Array.from({ length: opts.runs }, () => ({ prompt_ids: ids, maxTokens: opts.gen }));
      try {
        const r = await page.evaluate(([m, c]) => (globalThis as any).kilnWebGpuLlm.runGreedy(m, c), [basename(file), cases] as const) as { outcomes: { prefillTokS: number; decodeTokS: number }[] };
        out.set(file, { backend: 'webgpu (Chromium)', prompt: opts.prompt, gen: opts.gen, load_ms: 0, peak_bytes: 0,
          prefill_tok_s: r.outcomes.map((o) => Math.round(o.prefillTokS * 10) / 10), decode_tok_s: r.outcomes.map((o) => Math.round(o.decodeTokS * 10) / 10) });
      } catch (e) {
        out.set(file, { error: String(e).split('\n')[0]! });
      }
    }
  } finally {
    await browser.close();
    server.kill();
  }
  return out;
}

const files = await models();
const rows: { model: string; backend: string; r: LlmRun | { error: string } }[] = [];
for (const file of files) {
  for (const backend of opts.backends) {
    process.stderr.write(`${basename(file)} on ${backend} … `);
    const r = await measure(file, backend);
    process.stderr.write('error' in r ? `${r.error}\n` : `decode ${median(r.decode_tok_s)} tok/s\n`);
    rows.push({ model: basename(file), backend, r });
  }
}
if (opts.browser) for (const [file, r] of await browserRuns(files)) rows.push({ model: basename(file), backend: 'webgpu-chromium', r });

const adapter = rows.map((x) => ('adapter' in x.r ? x.r.adapter : undefined)).find(Boolean) ?? '';
const lines = [
  `LLM tok/s (medians of ${opts.runs}), prompt ${opts.prompt} tokens, ${opts.gen} generated; webgpu adapter: ${adapter || 'n/a'}${opts.swiftshader ? ' (SwiftShader: indicative only)' : ''}`,
  '',
  '| model | backend | prefill tok/s | decode tok/s | load ms | peak MiB |',
  '|---|---|---:|---:|---:|---:|',
  ...rows.map(({ model, backend, r }) => ('error' in r
    ? `| ${model} | ${backend} | – | – | – | ${r.error.slice(0, 120)} |`
    : `| ${model} | ${backend} | ${median(r.prefill_tok_s)} | ${median(r.decode_tok_s)} | ${r.load_ms} | ${(r.peak_bytes / 2 ** 20).toFixed(1)} |`)),
];
console.log(lines.join('\n'));
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(join(ROOT, `bench/results/webgpu-llm-${stamp}.json`), JSON.stringify({ opts, rows }, null, 1));
writeFileSync(join(ROOT, `bench/results/webgpu-llm-${stamp}.md`), lines.join('\n') + '\n');
