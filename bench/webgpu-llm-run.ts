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
import { LLM } from '../src/llm/index.js';
import type { WebGpuBackend } from '../src/shaders/index.js';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

export interface LlmRun {
  backend: string;
  adapter?: string;
  prompt: number;
  gen: number;
  prefill_tok_s: number[];
  decode_tok_s: number[];
  load_ms: number;
  peak_bytes: number;
}

const arg = (argv: string[], name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
};

async function main(argv: string[]): Promise<void> {
  const model = argv[0]!;
  const backend = arg(argv, '--backend', 'webgpu');
  const prompt = Number(arg(argv, '--prompt', '64'));
  const gen = Number(arg(argv, '--gen', '128'));
  const runs = Number(arg(argv, '--runs', '3'));
  const t0 = performance.now();
  const llm = await LLM.load(model, { backends: [backend], contextSize: prompt + gen + 8, batchSize: Math.min(prompt, 256) });
  const loadMs = performance.now() - t0;
  const vocab = llm.tokenizer.size;
  const ids = [llm.tokenizer.bos ?? 1, ...Array.from({ length: prompt - 1 }, (_, i) => 3 + ((i * 7919) % Math.max(1, vocab - 3)))];
  const caps = (llm.backend as Partial<WebGpuBackend>).capabilities?.adapter;
  const out: LlmRun = {
    backend: llm.backendName, adapter: caps ? `${caps.vendor} ${caps.architecture} ${caps.description}`.trim() : undefined,
    prompt, gen, prefill_tok_s: [], decode_tok_s: [], load_ms: Math.round(loadMs), peak_bytes: 0,
  };
  for (let r = 0; r < runs; r++) {
    llm.reset();
    const res = await llm.complete(ids, { temperature: 0, maxTokens: gen, ignoreEos: true });
    out.prefill_tok_s.push(Math.round(res.prefillTokS * 10) / 10);
    out.decode_tok_s.push(Math.round(res.decodeTokS * 10) / 10);
  }
  out.peak_bytes = llm.memory().peak;
  await llm.unload();
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(() => process.exit(0), (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
