/**
 * `llm.chat.completions.create(...)`, shaped like OpenAI's Chat Completions API (and WebLLM's /
 * wllama's copies of it), so code written for those runs here: `stream: false` resolves to one
 * ChatCompletion; `stream: true` resolves to an async iterable of ChatCompletionChunk. Parameters map
 * onto GenerateOptions; `logit_bias` keys are token ids as strings, as in OpenAI's API.
 */
import { KilnError } from '../../engine/errors.js';
import type { ChatMessage } from '../chat-template.js';
import type { JsonSchema } from '../grammar/json-schema.js';
import type { FinishReason, GenerateOptions, GenerationResult, TokenEvent } from './generate.js';

export interface ChatCompletionParams {
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  model?: string;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  /** Extensions (llama.cpp names). */
  top_k?: number;
  min_p?: number;
  repeat_penalty?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  stop?: string | string[];
  seed?: number;
  logit_bias?: Record<string, number>;
  n?: number;
  response_format?: { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; json_schema: { name?: string; schema: JsonSchema; strict?: boolean } };
  signal?: AbortSignal;
  /** Extension: a Jinja chat template to use instead of the model's own. */
  chat_template?: string;
}

export interface ChatCompletionUsage { prompt_tokens: number; completion_tokens: number; total_tokens: number }

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: { index: 0; message: { role: 'assistant'; content: string }; finish_reason: 'stop' | 'length'; logprobs: null }[];
  usage: ChatCompletionUsage;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: 0; delta: { role?: 'assistant'; content?: string }; finish_reason: 'stop' | 'length' | null; logprobs: null }[];
  usage?: ChatCompletionUsage | null;
}

/** What the LLM gives the adapter: a chat generation as a token stream with a result. */
export type ChatRunner = (messages: readonly ChatMessage[], opts: GenerateOptions & { chatTemplate?: string }) => AsyncGenerator<TokenEvent, GenerationResult>;

export function toGenerateOptions(p: ChatCompletionParams): GenerateOptions & { chatTemplate?: string } {
  if (!Array.isArray(p.messages) || p.messages.length === 0) throw new KilnError('E_INPUT_INVALID', 'chat.completions.create needs a non-empty messages array');
  if (p.n !== undefined && p.n !== 1) throw new KilnError('E_INPUT_INVALID', `n = ${p.n}: only one choice per request is supported`);
  const rf = p.response_format;
  const o: GenerateOptions & { chatTemplate?: string } = {
    chatTemplate: p.chat_template,
    maxTokens: p.max_completion_tokens ?? p.max_tokens,
    temperature: p.temperature ?? 1,
    topP: p.top_p ?? 1,
    topK: p.top_k ?? 0,
    minP: p.min_p ?? 0,
    repetitionPenalty: p.repeat_penalty,
    presencePenalty: p.presence_penalty,
    frequencyPenalty: p.frequency_penalty,
    stop: typeof p.stop === 'string' ? [p.stop] : p.stop,
    seed: p.seed,
    logitBias: p.logit_bias ? Object.fromEntries(Object.entries(p.logit_bias).map(([k, v]) => [Number(k), v])) : undefined,
    signal: p.signal,
    responseFormat: rf?.type === 'json_schema' ? { type: 'json_schema', schema: rf.json_schema.schema } : rf,
  };
  return o;
}

const openAiReason = (r: FinishReason): 'stop' | 'length' => (r === 'length' ? 'length' : 'stop');
let counter = 0;
const newId = (): string => `chatcmpl-kiln-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export function createCompletions(run: ChatRunner, model: () => string) {
  function create(p: ChatCompletionParams & { stream: true }): Promise<AsyncIterable<ChatCompletionChunk>>;
  function create(p: ChatCompletionParams & { stream?: false }): Promise<ChatCompletion>;
  function create(p: ChatCompletionParams): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>>;
  async function create(p: ChatCompletionParams): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>> {
    const opts = toGenerateOptions(p);
    const id = newId();
    const created = Math.floor(Date.now() / 1000);
    const name = p.model ?? model();
    const usage = (r: GenerationResult): ChatCompletionUsage => ({ prompt_tokens: r.promptTokens, completion_tokens: r.tokens.length, total_tokens: r.promptTokens + r.tokens.length });
    if (!p.stream) {
      const it = run(p.messages, opts);
      let step = await it.next();
      while (!step.done) step = await it.next();
      const r = step.value;
      return {
        id, object: 'chat.completion', created, model: name,
        choices: [{ index: 0, message: { role: 'assistant', content: r.text }, finish_reason: openAiReason(r.finishReason), logprobs: null }],
        usage: usage(r),
      };
    }
    const chunk = (delta: ChatCompletionChunk['choices'][0]['delta'], finish: 'stop' | 'length' | null): ChatCompletionChunk => ({
      id, object: 'chat.completion.chunk', created, model: name, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
    async function* stream(): AsyncGenerator<ChatCompletionChunk> {
      const it = run(p.messages, opts);
      yield chunk({ role: 'assistant', content: '' }, null);
      for (;;) {
        const step = await it.next();
        if (step.done) {
          yield chunk({}, openAiReason(step.value.finishReason));
          if (p.stream_options?.include_usage) yield { ...chunk({}, null), choices: [], usage: usage(step.value) } as unknown as ChatCompletionChunk;
          return;
        }
        if (step.value.text) yield chunk({ content: step.value.text }, null);
      }
    }
    return stream();
  }
  return { create };
}
