/**
 * One LLM measurement for bench/webgpu-llm.ts, in its own process: loads a GGUF on one backend, then
 * `runs` times evaluates a prompt of `prompt` token ids (batched prefill) and greedily decodes `gen`
 * tokens. Token ids, not text, so any vocabulary works: BOS, then ids cycling through the vocabulary's
 * ordinary tokens. Prints one JSON line.
 *
 *   npx tsx bench/webgpu-llm-run.ts model.gguf --backend webgpu --prompt 64 --gen 128 --runs 3
 */
import v8 from 'node:v8';
import '../src/register.js';
import type { WebGpuBackend } from '../src/shaders/index.js';
import { type LlmRunRecord, loadTimed, runArgs, runScript, timeRuns } from './llm-measure.js';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

export interface LlmRun extends LlmRunRecord {
  adapter?: string;
}

async function main(argv: string[]): Promise<void> {
  const a = runArgs(argv, { backend: 'webgpu', prompt: 64 });
  const { prompt, gen, runs } = a;
  const { llm, loadMs } = await loadTimed(a, 256);
  const vocab = llm.tokenizer.size;
  const ids = [llm.tokenizer.bos ?? 1, ...Array.from({ length: prompt - 1 }, (_, i) => 3 + ((i * 7919) % Math.max(1, vocab - 3)))];
  const caps = (llm.backend as Partial<WebGpuBackend>).capabilities?.adapter;
  const out: LlmRun = {
    backend: llm.backendName, adapter: caps ? `${caps.vendor} ${caps.architecture} ${caps.description}`.trim() : undefined,
    prompt, gen, prefill_tok_s: [], decode_tok_s: [], load_ms: Math.round(loadMs), peak_bytes: 0,
  };
  await timeRuns(llm, ids, runs, gen, out, (x) => Math.round(x * 10) / 10);
  out.peak_bytes = llm.memory().peak;
  await llm.unload();
  process.stdout.write(JSON.stringify(out) + '\n');
}

runScript(import.meta.url, main, true);
