/**
 * The LLM layer (kiln/llm): GGUF language models — the runner over a backend's LLM kernels, KV cache,
 * sampler, JSON-schema constrained decoding, streaming generate/chat, an OpenAI-shaped
 * chat.completions.create, LLM.plan — plus the tokenizers and chat templates they use.
 */
export * from './tokenizer/index.js';
export { renderChatTemplate, type ChatMessage, type ChatTemplateOptions } from './chat-template.js';
export { LLM, type ChatOptions, type LlmMemory, type LoadOptions } from './api/llm.js';
export type { FinishReason, GenerateOptions, GenerationResult, ResponseFormat, TokenEvent } from './api/generate.js';
export type { ChatCompletion, ChatCompletionChunk, ChatCompletionParams, ChatCompletionUsage } from './api/openai.js';
export type { LlmPlan, PlanOptions, PlanSuggestion } from './api/plan.js';
export { DEFAULT_BACKENDS, type BackendChoice, type BackendVerdict, type SoftwareGpuPolicy } from './api/backends.js';
export { FAMILIES, readConfig, supportedArchitectures, type Family, type ModelConfig } from './runner/config.js';
export type { LoadProgress } from './runner/load.js';
export { Sampler, type SamplingOptions, type TokenConstraint } from './sampling/sampler.js';
export { StopMatcher } from './sampling/stop.js';
export { GrammarBuilder, lit, ch, charSet, type Grammar } from './grammar/grammar.js';
export { GrammarMatcher } from './grammar/matcher.js';
export { jsonGrammar, jsonSchemaGrammar, type JsonSchema } from './grammar/json-schema.js';
export { GrammarConstraint, vocabIndex } from './grammar/token-mask.js';
export type { KvType, LlmKernels } from '../engine/llm-kernels.js';
