/**
 * The chat app uses Kiln's public API only, and imports it from here. The page itself loads only the
 * LLM worker's proxy: the runtime (tokenizers, backends, kernels) is bundled into the worker.
 * (src/workers/llm-proxy.ts is the package's 'kiln/llm-worker' entry.)
 */
export { LLMWorker, type LlmWorkerResult } from '../../src/workers/llm-proxy.js';
export type { LlmFallback, LlmLoadProgress, LlmModelInfo, StoredModel, StoreProgress } from '../../src/workers/llm-protocol.js';
export type { ChatMessage, LlmPlan } from '../../src/llm-entry.js';

/** The LLM worker, bundled by Vite from Kiln's LLM worker entry (the recipe for apps built with a bundler). */
export const llmWorker = (): Worker => new Worker(new URL('../../src/workers/llm-worker.ts', import.meta.url), { type: 'module', name: 'kiln-llm' });

/** A KilnError's code (errors from the worker keep their class and code), or undefined. */
export const codeOf = (e: unknown): string | undefined => (e as { code?: unknown } | null)?.code as string | undefined;
