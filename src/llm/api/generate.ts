/**
 * The generation loop: prompt tokens into the KV cache (reusing the prefix already there from the last
 * call), then one token at a time: pick (sampler, grammar), stream its text (stop strings held back),
 * evaluate it. The Session tracks which tokens the cache holds.
 */
import { KilnError } from '../../engine/errors.js';
import { GrammarConstraint, vocabIndex } from '../grammar/token-mask.js';
import { jsonGrammar, jsonSchemaGrammar, type JsonSchema } from '../grammar/json-schema.js';
import type { Grammar } from '../grammar/grammar.js';
import type { Transformer } from '../runner/forward.js';
import { Sampler, type SamplingOptions } from '../sampling/sampler.js';
import { StopMatcher } from '../sampling/stop.js';
import type { Tokenizer } from '../tokenizer/index.js';

export type ResponseFormat = { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; schema: JsonSchema };

export interface GenerateOptions extends SamplingOptions {
  /** Most tokens to generate. Default 256. */
  maxTokens?: number;
  /** Generation ends before any of these strings; they are not part of the output. */
  stop?: readonly string[];
  /** Keep going past end-of-generation tokens. Default false. */
  ignoreEos?: boolean;
  signal?: AbortSignal;
  /** For a text prompt: add BOS as the model says (default true), turn control-token text into tokens (default false). */
  addSpecial?: boolean;
  parseSpecial?: boolean;
  /** Constrain the output: any JSON value, or JSON valid under a schema. */
  responseFormat?: ResponseFormat;
  /** Constrain the output by a grammar of your own (see grammar/grammar.ts). */
  grammar?: Grammar;
  /**
   * When the context is full: false (default) ends with a KilnError; true (or { keep }) drops the older
   * half of the tokens after the first `keep` (default: 1 when the model adds BOS, else 0) and re-reads
   * the rest, a sliding window over the conversation.
   */
  contextShift?: boolean | { keep: number };
}

export interface TokenEvent {
  /** The token id; -1 for the text held back at the end (it could have begun a stop string). */
  readonly id: number;
  /** Text this token completes ('' while a UTF-8 sequence or a possible stop string is pending). */
  readonly text: string;
}

export type FinishReason = 'eos' | 'stop' | 'length' | 'grammar';

export interface GenerationResult {
  readonly tokens: number[];
  readonly text: string;
  readonly finishReason: FinishReason;
  readonly promptTokens: number;
  /** Prompt tokens found in the KV cache from the previous call and not evaluated again. */
  readonly reusedTokens: number;
  readonly prefillMs: number;
  readonly decodeMs: number;
  readonly prefillTokS: number;
  readonly decodeTokS: number;
}

/** What the KV cache holds: the tokens evaluated so far, in order. */
export interface Session {
  readonly t: Transformer;
  tokens: number[];
}

const now = (): number => performance.now();

function grammarOf(o: GenerateOptions): Grammar | undefined {
  if (o.grammar) return o.grammar;
  const f = o.responseFormat;
  if (!f || f.type === 'text') return undefined;
  if (f.type === 'json_object') return jsonGrammar();
  if (f.type === 'json_schema') return jsonSchemaGrammar(f.schema);
  throw new KilnError('E_INPUT_INVALID', `responseFormat type '${(f as { type: string }).type}' is not one of text, json_object, json_schema`);
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new KilnError('E_ABORTED', 'generation was aborted');
}

/** Evaluates `tokens` after what the session holds, shifting the context if allowed. */
function feed(s: Session, tokens: readonly number[], o: GenerateOptions, bos: boolean): void {
  const ctx = s.t.contextSize;
  if (s.tokens.length + tokens.length > ctx) {
    if (!o.contextShift) {
      throw new KilnError('E_INPUT_INVALID', `context full: ${s.tokens.length + tokens.length} tokens do not fit the ${ctx}-token context; load with a larger contextSize or pass contextShift: true`);
    }
    const keep = typeof o.contextShift === 'object' ? o.contextShift.keep : bos ? 1 : 0;
    const all = [...s.tokens, ...tokens];
    const drop = Math.max(Math.floor((all.length - keep) / 2), all.length - ctx + 1);
    if (keep + drop >= all.length) throw new KilnError('E_INPUT_INVALID', `context full: cannot keep ${keep} tokens and slide a ${ctx}-token window`);
    const kept = [...all.slice(0, keep), ...all.slice(keep + drop)];
    s.tokens = [];
    s.t.eval(kept, 0);
    s.tokens = kept;
    return;
  }
  s.t.eval(tokens, s.tokens.length);
  s.tokens.push(...tokens);
}

/**
 * Makes the cache hold `prompt` with its last token evaluated: the prefix the cache already holds is
 * kept, the rest is read. Returns how many tokens were reused.
 */
export function evalPrompt(s: Session, prompt: readonly number[], o: GenerateOptions, bos: boolean): number {
  if (prompt.length === 0) throw new KilnError('E_INPUT_INVALID', 'the prompt is empty (no tokens); a model needs at least one, e.g. BOS');
  if (prompt.length > s.t.contextSize) throw new KilnError('E_INPUT_INVALID', `the prompt has ${prompt.length} tokens; the context holds ${s.t.contextSize}`);
  let common = 0;
  while (common < s.tokens.length && common < prompt.length - 1 && s.tokens[common] === prompt[common]) common++;
  s.tokens = s.tokens.slice(0, common);
  feed(s, prompt.slice(common), o, bos);
  return common;
}

export async function* generateTokens(s: Session, tok: Tokenizer, prompt: readonly number[], o: GenerateOptions = {}): AsyncGenerator<TokenEvent, GenerationResult> {
  const maxTokens = o.maxTokens ?? 256;
  if (!(Number.isInteger(maxTokens) && maxTokens >= 0)) throw new KilnError('E_INPUT_INVALID', `maxTokens must be a non-negative integer, got ${maxTokens}`);
  const grammar = grammarOf(o);
  const constraint = grammar ? new GrammarConstraint(grammar, vocabIndex(tok)) : undefined;
  const sampler = new Sampler(o, s.t.vocab);
  for (const id of prompt) sampler.accept(id);
  const stop = new StopMatcher(o.stop ?? []);
  const decoder = tok.streamDecoder();
  // The prompt primes the decoder: a continuation keeps its leading space, and a UTF-8 sequence the
  // prompt left open is completed by the first generated bytes.
  for (const id of prompt) decoder(id);
  const bos = tok.bos !== undefined && prompt[0] === tok.bos;

  checkAbort(o.signal);
  const t0 = now();
  const common = evalPrompt(s, prompt, o, bos);
  const out: number[] = [];
  let text = '';
  let finish: FinishReason = 'length';
  let prefillMs = 0;
  let decodeStart = 0;
  let decoded = 0;
  const pick = async (): Promise<number> => {
    if (sampler.plainGreedy && !constraint) return s.t.argmax();
    return sampler.sample(await s.t.logits(), constraint);
  };
  for (let step = 0; step < maxTokens; step++) {
    const id = await pick();
    if (step === 0) {
      prefillMs = now() - t0;
      decodeStart = now();
    }
    if (!o.ignoreEos && tok.isEog(id)) {
      finish = 'eos';
      break;
    }
    sampler.accept(id);
    constraint?.accept(id);
    out.push(id);
    const shown = stop.push(decoder(id));
    text += shown;
    yield { id, text: shown };
    if (stop.stopped !== undefined) {
      finish = 'stop';
      break;
    }
    if (constraint?.finished) {
      finish = 'grammar';
      break;
    }
    if (step + 1 === maxTokens) break;
    checkAbort(o.signal);
    feed(s, [id], o, bos);
    decoded++;
  }
  if (maxTokens === 0) prefillMs = now() - t0;
  const rest = stop.flush();
  if (rest) {
    text += rest;
    yield { id: -1, text: rest };
  }
  const decodeMs = decoded > 0 ? now() - decodeStart : 0;
  const evaluated = prompt.length - common;
  return {
    tokens: out, text, finishReason: finish, promptTokens: prompt.length, reusedTokens: common, prefillMs, decodeMs,
    prefillTokS: prefillMs > 0 ? (evaluated / prefillMs) * 1000 : 0,
    decodeTokS: decodeMs > 0 ? (decoded / decodeMs) * 1000 : 0,
  };
}
