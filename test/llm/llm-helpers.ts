/** Shared bits of the LLM runtime tests: a reference backend with LLM kernels, the golden file, models. */
import { readFileSync } from 'node:fs';
import type { Backend } from '../../src/engine/backend.js';
import { createReferenceBackend } from '../../src/reference/index.js';
import { LLM_DIR } from './vocab-data.js';

/** The reference backend (it carries the reference LLM kernels). */
export const referenceLlmBackend = (): Backend => createReferenceBackend();

export interface GreedyCase { prompt: string; prompt_ids: number[]; greedy_ids: number[]; greedy_text: string; first_step_top5: [number, number][] }
export interface GreedySet { model: string; cases: GreedyCase[] }
export const golden = JSON.parse(readFileSync(`${LLM_DIR}golden.json`, 'utf8')) as { greedy: GreedySet[] };

export const STORIES = `${LLM_DIR}stories260K.gguf`;
export const STORIES_MIXQ = `${LLM_DIR}stories260K-mixq.gguf`;
export const STORIES_TIED = `${LLM_DIR}stories260K-tied.gguf`;
export const storiesBytes = (file = STORIES): Uint8Array => new Uint8Array(readFileSync(file));

/** Drains a generation, returning the streamed events and the result. */
export async function drain<E, R>(it: AsyncGenerator<E, R>): Promise<{ events: E[]; result: R }> {
  const events: E[] = [];
  let s = await it.next();
  while (!s.done) {
    events.push(s.value);
    s = await it.next();
  }
  return { events, result: s.value };
}
