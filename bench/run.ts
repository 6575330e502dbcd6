/**
 * Kiln vs onnxruntime-web (wasm execution provider), same machine, same process, same thread count:
 *
 *   npm run bench -- --backend wasm [--models mobilenet_v2,bert_like] [--threads 1,2] [--gemm 256,1024 | none]
 *   npm run bench -- --backend remote [--models squeezenet1_1] [--engine ort,kiln] [--url U --token T]   (bench/remote.ts)
 *                    [--runs 20] [--warmup 5] [--gap 30] [--json rows.json] [--no-peak]
 *
 * For each thread count a child process (bench/child.ts) runs both runtimes alternately on the models of
 * ../shared/models and on square f32 GEMMs; the 1-thread child also measures the WASM SIMD f32 peak.
 * Each timed run follows --gap ms of idle time, so neither runtime's spinning thread pool steals a core
 * from the other's next run. Prints medians, ratios Kiln/ORT and GFLOP/s; writes bench/results/wasm-<time>.{json,md}, and with --json
 * the rows {model, threads, kiln_ms, peer, peer_ms, ratio}.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MODELS } from './inputs.js';
import { markdown, type Row } from './report.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const backend = opt('backend') ?? 'wasm';
if (backend === 'remote') {
  // The remote rows: a kiln host (ort and kiln engines) on loopback, or --url/--token for another host.
  const { runRemoteBench } = await import('./remote.js');
  await runRemoteBench(args.map((a) => (a === '--models' ? '--model' : a)));
  process.exit(0);
}
if (backend !== 'wasm') {
  console.error(`bench: --backend ${backend} is not benchmarked here (wasm or remote; WebGPU: npm run bench:browser)`);
  process.exit(2);
}
const models = (opt('models') ?? MODELS.join(',')).split(',').filter(Boolean);
const threads = (opt('threads') ?? '1,2').split(',').map(Number);
const gemm = opt('gemm') === 'none' ? '' : opt('gemm') ?? '256,512,1024,2048';
const runs = opt('runs') ?? '20';
const warmup = opt('warmup') ?? '5';
const gap = opt('gap') ?? '30';
const child = fileURLToPath(new URL('./child.ts', import.meta.url));

const rows: Row[] = [];
const load0 = loadavg();
for (const t of threads) {
  const argv = ['--experimental-wasm-relaxed-simd', '--import', 'tsx', child, '--threads', String(t), '--models', models.join(','), '--gemm', gemm, '--runs', runs, '--warmup', warmup, '--gap', gap];
  if (t === threads[0] && !args.includes('--no-peak')) argv.push('--peak');
  console.log(`# ${t} thread${t > 1 ? 's' : ''} (load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    process.exit(1);
  }
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const row = JSON.parse(line) as Row;
    rows.push(row);
    if (row.kind === 'model') console.log(`${row.model.padEnd(14)} t=${t}  kiln ${row.kiln_ms.toFixed(1).padStart(7)} ms  ort ${row.peer_ms.toFixed(1).padStart(7)} ms  ratio ${row.ratio.toFixed(2)}  (max |diff| kiln ${row.kiln_maxdiff.toExponential(1)}, ort ${row.peer_maxdiff.toExponential(1)})`);
    else if (row.kind === 'gemm') console.log(`gemm ${String(row.n).padEnd(9)} t=${t}  kiln ${row.kiln_gflops.toFixed(1).padStart(6)} GFLOP/s  ort ${row.peer_gflops.toFixed(1).padStart(6)} GFLOP/s  ratio ${row.ratio.toFixed(2)}`);
    else if (row.kind === 'peak') console.log(`WASM SIMD f32 peak, one core: mul+add ${row.muladd_gflops.toFixed(1)} GFLOP/s (best ${row.muladd_best.toFixed(1)}), relaxed madd ${row.madd_gflops?.toFixed(1) ?? 'n/a'} GFLOP/s (best ${row.madd_best?.toFixed(1) ?? 'n/a'})`);
  }
}
const load1 = loadavg();
const peak = rows.find((r) => r.kind === 'peak');
const g1024 = rows.find((r) => r.kind === 'gemm' && r.n === 1024 && r.threads === 1);
if (peak && g1024 && g1024.kind === 'gemm' && peak.kind === 'peak') {
  const best = Math.max(peak.muladd_gflops, peak.madd_gflops ?? 0);
  console.log(`GEMM 1024³ f32, 1 thread: ${g1024.kiln_gflops.toFixed(1)} GFLOP/s = ${((100 * g1024.kiln_gflops) / best).toFixed(0)}% of the measured peak ${best.toFixed(1)} GFLOP/s`);
}

const meta = { date: new Date().toISOString(), cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg_before: load0, loadavg_after: load1 };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const stamp = meta.date.replace(/[:.]/g, '-');
writeFileSync(new URL(`./results/wasm-${stamp}.json`, import.meta.url), JSON.stringify({ meta, rows }, null, 1) + '\n');
writeFileSync(new URL(`./results/wasm-${stamp}.md`, import.meta.url), markdown(meta, rows));
console.log(`\n${markdown(meta, rows)}`);
const json = opt('json');
if (json) {
  const out = rows.filter((r) => r.kind === 'model').map((r) => r.kind === 'model' && ({ model: r.model, threads: r.threads, kiln_ms: r.kiln_ms, peer: r.peer, peer_ms: r.peer_ms, ratio: r.ratio }));
  writeFileSync(json, JSON.stringify(out, null, 1) + '\n');
}
