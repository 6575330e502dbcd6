/**
 * One Kiln measurement, in its own process so its peak memory is its own: loads a GGUF on a backend,
 * then `runs` times evaluates a prompt of `prompt` tokens (one batched prefill) and greedily decodes
 * `gen` tokens. Prints one JSON line: tok/s per run, the backend's peak bytes and the process's peak RSS.
 *
 *   npx tsx bench/llm-kiln.ts model.gguf --backend reference --threads 1 --prompt 512 --gen 128 --runs 3
 *
 * --threads sets the wasm backend's thread count (wasmEnv.numThreads: 1 runs the relaxed-SIMD build,
 * as Chromium would; more runs the relaxed-SIMD + threads build). Node 20 validates relaxed SIMD only behind a V8 flag,
 * set here before the backend probes for it.
 */
import v8 from 'node:v8';
import '../src/register.js';
import { wasmEnv } from '../src/wasm/index.js';
import { arg, type LlmRunRecord, loadTimed, runArgs, runScript, timeRuns } from './llm-measure.js';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

export interface KilnRun extends LlmRunRecord {
  threads: number;
  rss_peak_bytes: number;
  /** Bytes the backend held at the end: weights, KV cache, activations and scratch. */
  held?: { weights: number; kv: number; activations: number };
  /** The backend's own account of its configuration (wasm: build and threads). */
  notes?: readonly string[];
}

/** The prompt both runtimes get: BOS then `n - 1` letters, one byte token each in the synthetic vocabulary. */
export function benchPromptText(n: number): string {
  let s = '';
  let x = 12345;
  for (let i = 0; i < n - 1; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += String.fromCharCode(97 + ((x >>> 16) % 26));
  }
  return s;
}

async function main(argv: string[]): Promise<void> {
  const a = runArgs(argv, { backend: 'reference', prompt: 512 });
  const { prompt, gen, runs } = a;
  const threads = Number(arg(argv, '--threads', '1'));
  wasmEnv.numThreads = threads;
  const { llm, loadMs } = await loadTimed(a, 512);
  const ids = llm.tokenizer.encode(benchPromptText(prompt), { addSpecial: true });
  if (ids.length !== prompt) throw new Error(`the bench prompt is ${ids.length} tokens, not ${prompt}: not a synthetic-vocabulary model?`);
  const out: KilnRun = { backend: llm.backendName, threads, prompt, gen, prefill_tok_s: [], decode_tok_s: [], load_ms: Math.round(loadMs), peak_bytes: 0, rss_peak_bytes: 0 };
  await timeRuns(llm, ids, runs, gen, out);
  const mem = llm.memory();
  out.peak_bytes = mem.peak;
  out.held = { weights: mem.weights, kv: mem.kv, activations: mem.activations };
  out.notes = (llm.backend as { notes?: readonly string[] }).notes;
  out.rss_peak_bytes = process.resourceUsage().maxRSS * 1024;
  await llm.unload();
  process.stdout.write(JSON.stringify(out) + '\n');
}

runScript(import.meta.url, main);
