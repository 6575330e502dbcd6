/**
 * The golden greedy checks each backend's LLM tests run (reference: golden-tokens.test.ts, wasm:
 * wasm-golden.test.ts, WebGPU in Node: golden-tokens-webgpu.gpu.ts) against ../shared/models/llm/golden.json.
 */
import { expect } from 'vitest';
import { LLM, type LoadOptions } from '../../src/llm/index.js';
import { golden, STORIES_TIED, type GreedySet } from './llm-helpers.js';
import { LLM_DIR } from './vocab-data.js';

export interface GoldenCheck {
  /** The backend the model must land on. */
  backend?: string;
  /** How far a first-step top-5 logit may be from the oracle's (default 5e-4: the 4 decimals it kept). */
  tol?: number;
  /** Also check that the tokenizer encodes each prompt to its ids. */
  encode?: boolean;
}

/** Every case of a set: the greedy tokens and text exactly, the first step's top-5 ids, and their logits within tol. */
export async function expectGoldenSet(set: GreedySet, opts: LoadOptions, check: GoldenCheck = {}): Promise<void> {
  const tol = check.tol ?? 5e-4;
  const llm = await LLM.load(`${LLM_DIR}${set.model}`, opts);
  if (check.backend) expect(llm.backendName).toBe(check.backend);
  for (const c of set.cases) {
    if (check.encode) expect(c.prompt === '' ? [1] : llm.tokenizer.encode(c.prompt, { addSpecial: true })).toEqual(c.prompt_ids);
    const r = await llm.complete(c.prompt_ids, { temperature: 0, maxTokens: 64, ignoreEos: true });
    expect(r.tokens).toEqual(c.greedy_ids);
    expect(r.text).toBe(c.greedy_text);
    const z = await llm.nextLogits(c.prompt_ids);
    const top = [...z].map((v, i) => [i, v] as const).sort((a, b) => b[1] - a[1]).slice(0, 5);
    top.forEach(([id, v], i) => {
      expect(id).toBe(c.first_step_top5[i]![0]);
      expect(Math.abs(v - c.first_step_top5[i]![1])).toBeLessThan(tol);
    });
  }
  await llm.unload();
}

/** stories260K-tied.gguf (LM head = token embedding) gives the F32 file's tokens and holds no second matrix. */
export async function expectTiedGolden(opts: LoadOptions): Promise<void> {
  const llm = await LLM.load(STORIES_TIED, opts);
  expect(llm.memory().weights).toBeLessThan(1_100_000);
  for (const c of golden.greedy[0]!.cases) {
    const r = await llm.complete(c.prompt_ids, { temperature: 0, maxTokens: 64, ignoreEos: true });
    expect(r.tokens).toEqual(c.greedy_ids);
  }
  await llm.unload();
}

/**
 * A generation split in two calls gives the one-call F32 tokens: the second call starts with the first
 * call's prompt and answer, so only the new tokens are read (KV reuse).
 */
export async function expectSplitGolden(opts: LoadOptions): Promise<void> {
  const c = golden.greedy[0]!.cases[2]!;
  const llm = await LLM.load(`${LLM_DIR}stories260K.gguf`, opts);
  const half = await llm.complete(c.prompt_ids, { temperature: 0, maxTokens: 20 });
  const rest = await llm.complete([...c.prompt_ids, ...half.tokens], { temperature: 0, maxTokens: 44 });
  expect(rest.reusedTokens).toBe(c.prompt_ids.length + 19);
  expect([...half.tokens, ...rest.tokens]).toEqual(c.greedy_ids);
  await llm.unload();
}
