/**
 * What the one-measurement LLM bench scripts share (bench/llm-kiln.ts for bench/llm.ts,
 * bench/webgpu-llm-run.ts for bench/webgpu-llm.ts): the JSON record's common fields, the arguments,
 * the timed load and runs, and the script entry.
 */
import { LLM } from '../src/llm/index.js';

/** The fields every one-measurement record has. */
export interface LlmRunRecord {
  backend: string;
  prompt: number;
  gen: number;
  prefill_tok_s: number[];
  decode_tok_s: number[];
  load_ms: number;
  peak_bytes: number;
}

/** The value after `--name`, or the default. */
export function arg(argv: string[], name: string, dflt: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
}

/** The common arguments: `model.gguf [--backend b] [--prompt n] [--gen n] [--runs n]`. */
export interface RunArgs { model: string; backend: string; prompt: number; gen: number; runs: number }

export function runArgs(argv: string[], dflt: { backend: string; prompt: number }): RunArgs {
  return {
    model: argv[0]!,
    backend: arg(argv, '--backend', dflt.backend),
    prompt: Number(arg(argv, '--prompt', String(dflt.prompt))),
    gen: Number(arg(argv, '--gen', '128')),
    runs: Number(arg(argv, '--runs', '3')),
  };
}

/** Loads the model on the backend with room for prompt + gen (prefill batches of at most maxBatch), timed. */
export async function loadTimed(a: RunArgs, maxBatch: number): Promise<{ llm: LLM; loadMs: number }> {
  const t0 = performance.now();
  const llm = await LLM.load(a.model, { backends: [a.backend], contextSize: a.prompt + a.gen + 8, batchSize: Math.min(a.prompt, maxBatch) });
  return { llm, loadMs: performance.now() - t0 };
}

/** `runs` times from a reset: prefill `ids`, greedily decode `gen` tokens; tok/s pushed into `out` (through `round`). */
export async function timeRuns(llm: LLM, ids: number[], runs: number, gen: number, out: LlmRunRecord, round = (x: number) => x): Promise<void> {
  for (let r = 0; r < runs; r++) {
    llm.reset();
    const res = await llm.complete(ids, { temperature: 0, maxTokens: gen, ignoreEos: true });
    out.prefill_tok_s.push(round(res.prefillTokS));
    out.decode_tok_s.push(round(res.decodeTokS));
  }
}

/** Runs `main` on the command line's arguments when `url` is the script node was started with. */
export function runScript(url: string, main: (argv: string[]) => Promise<void>, exitWhenDone = false): void {
  if (url !== `file://${process.argv[1]}`) return;
  main(process.argv.slice(2)).then(() => {
    if (exitWhenDone) process.exit(0);
  }, (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
