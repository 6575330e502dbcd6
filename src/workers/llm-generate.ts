/**
 * The LLM worker's generation loop around LLM.generate: fitting the prompt to the context, the stop
 * flag read after every token, yielding to the worker's event loop (so abort messages and other calls
 * land), timing, and carrying on on the next backend after a device loss.
 */
import { KilnError } from '../engine/errors.js';
import type { ChatMessage, GenerateOptions, LLM } from '../llm/index.js';
import type { Loaded } from './llm-host.js';
import { FLAG_STOP, FLAG_TOKENS, type LlmFinishReason, type LlmGenerationResult, type LlmWireGenerateOptions } from './llm-protocol.js';

export const DEFAULT_MAX_TOKENS = 256;

export interface FittedPrompt {
  readonly ids: number[];
  readonly droppedMessages: number;
  readonly droppedTokens: number;
}

/** Room kept for the answer: maxTokens, at most half the context (longer answers slide the window). */
const reserve = (o: LlmWireGenerateOptions, ctx: number): number => Math.max(1, Math.min(o.maxTokens ?? DEFAULT_MAX_TOKENS, Math.floor(ctx / 2)));

/** The chat prompt, dropping the oldest turns (never the system message, never the last turn) to fit. */
export function fitChat(llm: LLM, messages: readonly ChatMessage[], o: LlmWireGenerateOptions, fit: boolean): FittedPrompt {
  const room = llm.contextSize - reserve(o, llm.contextSize);
  const msgs = [...messages];
  const first = msgs[0]?.role === 'system' ? 1 : 0;
  const render = () => llm.chatPrompt(msgs, { chatTemplate: o.chatTemplate });
  let ids = render();
  let dropped = 0;
  while (fit && ids.length > room && msgs.length - first > 1) {
    do {
      msgs.splice(first, 1);
      dropped++;
    } while (msgs.length - first > 1 && msgs[first]!.role !== 'user');
    ids = render();
  }
  if (ids.length >= llm.contextSize) {
    throw new KilnError('E_INPUT_INVALID', `the prompt has ${ids.length} tokens and the context holds ${llm.contextSize}: shorten the message or load the model with a larger context`);
  }
  return { ids, droppedMessages: dropped, droppedTokens: 0 };
}

/** A text prompt, keeping BOS and the newest tokens when it does not fit. */
export function fitText(llm: LLM, ids: number[], o: LlmWireGenerateOptions, fit: boolean): FittedPrompt {
  const room = llm.contextSize - reserve(o, llm.contextSize);
  if (!fit || ids.length <= room) return { ids, droppedMessages: 0, droppedTokens: 0 };
  const keep = llm.tokenizer.bos !== undefined && ids[0] === llm.tokenizer.bos ? 1 : 0;
  const kept = [...ids.slice(0, keep), ...ids.slice(ids.length - (room - keep))];
  return { ids: kept, droppedMessages: 0, droppedTokens: ids.length - kept.length };
}

/** Lets queued messages (an abort, another call) run: a macrotask, without setTimeout's 4 ms clamp. */
function makeYield(): () => Promise<void> {
  if (typeof MessageChannel !== 'function') return () => new Promise((r) => setTimeout(r, 0));
  const ch = new MessageChannel();
  const waiting: (() => void)[] = [];
  ch.port1.onmessage = () => waiting.shift()?.();
  return () => new Promise<void>((r) => {
    waiting.push(r);
    ch.port2.postMessage(0);
  });
}
const yieldNow = makeYield();
const YIELD_EVERY_MS = 20;

export interface GenerationRun {
  loaded(): Loaded;
  reload(reason: string): Promise<Loaded>;
  prompt: readonly number[];
  options: GenerateOptions;
  flag?: Int32Array;
  signal: AbortSignal;
  onToken(id: number, text: string, n: number): void;
  onFallback(from: string, to: Loaded, reason: string): void;
}

export async function runGeneration(r: GenerationRun): Promise<Omit<LlmGenerationResult, 'droppedMessages' | 'droppedTokens'>> {
  let l = r.loaded();
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  r.signal.addEventListener('abort', onAbort, { once: true });
  const maxTokens = r.options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const out: number[] = [];
  let text = '';
  let finish: LlmFinishReason = 'length';
  const t0 = performance.now();
  let tFirst: number | undefined;
  let tLast = t0;
  let lastYield = t0;
  let reused = -1;
  try {
    segments: for (;;) {
      const ids = [...r.prompt, ...out];
      if (reused < 0) reused = commonPrefix(l.llm.cachedTokens, ids);
      const it = l.llm.generate(ids, { ...r.options, maxTokens: maxTokens - out.length, signal: ac.signal });
      try {
        for (;;) {
          const s = await it.next();
          if (s.done) {
            finish = s.value.finishReason;
            break segments;
          }
          const ev = s.value;
          if (ev.id >= 0) out.push(ev.id);
          text += ev.text;
          tLast = performance.now();
          tFirst ??= tLast;
          if (r.flag) Atomics.store(r.flag, FLAG_TOKENS, out.length);
          r.onToken(ev.id, ev.text, out.length);
          if (r.flag && Atomics.load(r.flag, FLAG_STOP) !== 0) ac.abort();
          if (!r.flag || tLast - lastYield > YIELD_EVERY_MS) {
            await yieldNow();
            lastYield = performance.now();
          }
        }
      } catch (e) {
        if (ac.signal.aborted && e instanceof KilnError && e.code === 'E_ABORTED') {
          finish = 'abort';
          break;
        }
        if (!(e instanceof KilnError && e.code === 'E_DEVICE_LOST')) throw e;
        const from = l.info.backend;
        const reason = e.message.replace(/^\[[A-Z0-9_]+\] /, '');
        l = await r.reload(reason);
        r.onFallback(from, l, reason);
        if (out.length >= maxTokens) break;
      }
    }
  } finally {
    r.signal.removeEventListener('abort', onAbort);
  }
  const prefillMs = (tFirst ?? tLast) - t0;
  const decodeMs = tFirst === undefined ? 0 : tLast - tFirst;
  const evaluated = r.prompt.length - Math.max(reused, 0);
  return {
    tokens: out, text, finishReason: finish, promptTokens: r.prompt.length, reusedTokens: Math.max(reused, 0), prefillMs, decodeMs,
    prefillTokS: prefillMs > 0 ? (evaluated / prefillMs) * 1000 : 0,
    decodeTokS: decodeMs > 0 && out.length > 1 ? ((out.length - 1) / decodeMs) * 1000 : 0,
    contextUsed: Math.min(l.llm.cachedTokens.length + (out.length > 0 ? 1 : 0), l.llm.contextSize),
    contextSize: l.llm.contextSize, backend: l.info.backend,
  };
}

/** The prompt tokens LLM.generate will find in the KV cache (it re-reads at least the last one). */
function commonPrefix(cached: readonly number[], ids: readonly number[]): number {
  let n = 0;
  while (n < cached.length && n < ids.length - 1 && cached[n] === ids[n]) n++;
  return n;
}
