/** The kiln/llm API on stories260K: streaming, stops, EOS, chat, OpenAI shape, abort, context limits. */
import { describe, expect, it } from 'vitest';
import { LLM, type ChatCompletionChunk, type ChatCompletionParams } from '../../src/llm/index.js';
import { drain, golden, referenceLlmBackend, STORIES } from './llm-helpers.js';

const load = (opts = {}) => LLM.load(STORIES, { backends: [referenceLlmBackend()], contextSize: 256, ...opts });
const GOLD = golden.greedy[0]!.cases[1]!; // "Once upon a time"
const TEMPLATE = '{% for m in messages %}{{ m.content }}{% endfor %}';

describe('LLM.generate', () => {
  it('streams token events whose text adds up to the result', async () => {
    const progress: { loaded: number; total: number; tensor: string }[] = [];
    const llm = await load({ onProgress: (p: (typeof progress)[0]) => progress.push(p) });
    expect(progress).toHaveLength(48);
    expect(progress.at(-1)).toMatchObject({ loaded: 1_171_200, total: 1_171_200 });
    const { events, result } = await drain(llm.generate('Once upon a time', { temperature: 0, maxTokens: 64 }));
    expect(events.map((e) => e.id)).toEqual(GOLD.greedy_ids);
    expect(events.map((e) => e.text).join('')).toBe(GOLD.greedy_text);
    expect(result).toMatchObject({ text: GOLD.greedy_text, finishReason: 'length', promptTokens: 5, reusedTokens: 0 });
    expect(result.prefillTokS).toBeGreaterThan(0);
    expect(result.decodeTokS).toBeGreaterThan(0);
    expect(llm.backendName).toBe('reference');
    const m = llm.memory();
    expect(m.weights).toBeGreaterThan(1_000_000);
    expect(m.kv).toBe(5 * 2 * 256 * 4 * 8 * 4);
    expect(m.peak).toBeGreaterThanOrEqual(m.weights + m.kv);
    await llm.unload();
  });

  it('ends at EOS, at a stop string (not shown), and after maxTokens', async () => {
    const llm = await load();
    expect(await llm.complete('Once upon a time', { temperature: 0, logitBias: { 2: 100 } })).toMatchObject({ tokens: [], text: '', finishReason: 'eos' });
    const stopped = await llm.complete('Once upon a time', { temperature: 0, stop: ['Lily'] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(', there was a little girl named ');
    expect((await llm.complete('Once upon a time', { temperature: 0, maxTokens: 0 })).tokens).toEqual([]);
    await llm.unload();
  });

  it('same seed, same tokens; sampling options apply', async () => {
    const llm = await load();
    const a = await llm.complete('One day', { temperature: 1, seed: 7, maxTokens: 30 });
    const b = await llm.complete('One day', { temperature: 1, seed: 7, maxTokens: 30 });
    const c = await llm.complete('One day', { temperature: 1, seed: 8, maxTokens: 30 });
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).not.toEqual(c.tokens);
    const penalized = await llm.complete('Once upon a time', { temperature: 0, repetitionPenalty: 1.5, maxTokens: 64 });
    expect(penalized.tokens).not.toEqual(GOLD.greedy_ids);
    await llm.unload();
  });

  it('runs concurrent calls one after another, and aborts through an AbortSignal', async () => {
    const llm = await load();
    const [x, y] = await Promise.all([
      llm.complete('Once upon a time', { temperature: 0, maxTokens: 16 }),
      llm.complete('Once upon a time', { temperature: 0, maxTokens: 16 }),
    ]);
    expect(x.tokens).toEqual(GOLD.greedy_ids.slice(0, 16));
    expect(y.tokens).toEqual(x.tokens);
    expect(y.reusedTokens).toBe(4);
    const ac = new AbortController();
    let n = 0;
    await expect((async () => {
      for await (const _ of llm.generate('Once upon a time', { temperature: 0, maxTokens: 64, signal: ac.signal })) if (++n === 3) ac.abort();
    })()).rejects.toThrow(/E_ABORTED/);
    expect(n).toBe(3);
    expect((await llm.complete('Once upon a time', { temperature: 0, maxTokens: 4 })).tokens).toEqual(GOLD.greedy_ids.slice(0, 4));
    await llm.unload();
    expect(() => llm.generate('x')).toThrow(/E_RELEASED/);
    await expect(load({ signal: AbortSignal.abort() })).rejects.toThrow(/E_ABORTED.*loading the model was aborted/);
  });

  it('a full context is an error unless a sliding window was asked for', async () => {
    const llm = await load({ contextSize: 24 });
    await expect(llm.complete('Once upon a time', { temperature: 0, maxTokens: 64 })).rejects.toThrow(/context full: 25 tokens do not fit the 24-token context/);
    const r = await llm.complete('Once upon a time', { temperature: 0, maxTokens: 64, contextShift: true });
    expect(r.tokens.length).toBe(64);
    expect(r.tokens.slice(0, 19)).toEqual(GOLD.greedy_ids.slice(0, 19));
    expect(llm.cachedTokens.length).toBeLessThanOrEqual(24);
    expect(llm.cachedTokens[0]).toBe(1);
    await expect(llm.complete('Once upon a time '.repeat(10))).rejects.toThrow(/the prompt has \d+ tokens; the context holds 24/);
    await llm.unload();
  });
});

describe('LLM.chat and chat.completions.create', () => {
  it('renders the chat template, and needs one', async () => {
    const llm = await load();
    const r = await drain(llm.chat([{ role: 'user', content: 'Once upon a time' }], { chatTemplate: TEMPLATE, temperature: 0, maxTokens: 10 }));
    expect(r.result.tokens).toEqual(GOLD.greedy_ids.slice(0, 10));
    expect(llm.chatPrompt([{ role: 'user', content: 'Once upon a time' }], { chatTemplate: TEMPLATE })).toEqual(GOLD.prompt_ids);
    expect(llm.chatPrompt([{ role: 'user', content: '<s>Once upon a time' }], { chatTemplate: TEMPLATE })).toEqual(GOLD.prompt_ids);
    expect(() => llm.chat([{ role: 'user', content: 'hi' }])).toThrow(/has no 'tokenizer.chat_template'/);
    await llm.unload();
  });

  it('OpenAI-shaped responses, streamed and not', async () => {
    const llm = await load();
    const messages = [{ role: 'user', content: 'Once upon a time' }];
    const create = (p: Partial<ChatCompletionParams>) => llm.chat.completions.create({ messages, temperature: 0, max_tokens: 12, chat_template: TEMPLATE, ...p } as ChatCompletionParams);
    await expect(llm.chat.completions.create({ messages, max_tokens: 1 })).rejects.toThrow(/E_MODEL_INVALID.*chat_template/);
    const done = (await create({ stream: false })) as { object: string; choices: { message: { content: string }; finish_reason: string }[]; usage: object };
    expect(done.object).toBe('chat.completion');
    expect(done.choices[0]!.finish_reason).toBe('length');
    expect(done.usage).toEqual({ prompt_tokens: 5, completion_tokens: 12, total_tokens: 17 });
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of (await create({ stream: true, stream_options: { include_usage: true } })) as AsyncIterable<ChatCompletionChunk>) chunks.push(c);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(done.choices[0]!.message.content);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.at(-1)!.usage).toEqual(done.usage);
    await expect(llm.chat.completions.create({ messages: [], n: 1 })).rejects.toThrow(/non-empty messages/);
    await llm.unload();
  });

  it('a chat template given at load time is the default', async () => {
    const llm = await load({ chatTemplate: TEMPLATE });
    const r = await llm.chat.completions.create({ messages: [{ role: 'user', content: 'Once upon a time' }], temperature: 0, max_tokens: 8 });
    expect(r.choices[0]!.message.content).toBe(', there was a little girl');
    await llm.unload();
  });
});
