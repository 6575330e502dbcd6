/**
 * Picks the next token from logits. The chain, in llama.cpp's order:
 *   logit bias → penalties (repetition, presence, frequency over the last `penaltyLastN` tokens) →
 *   constraint (a grammar: tokens it refuses get -∞) → greedy when temperature ≤ 0, else
 *   top-k → top-p → min-p → temperature → softmax → a draw from a seeded generator.
 * Repetition penalty divides a positive logit and multiplies a negative one; presence subtracts once
 * per seen token, frequency once per occurrence. min-p keeps tokens with p ≥ minP · p_max.
 *
 * With a constraint the sampler first picks as if unconstrained and checks only that token (cheap);
 * when the constraint refuses it, the whole vocabulary is masked and the pick is made again. This is
 * llama.cpp's own shortcut; greedy picks stay exact (the best allowed token).
 */
import { KilnError } from '../../engine/errors.js';
import { randomSeed, Rng } from './rng.js';

export interface SamplingOptions {
  /** 0 (or less) = greedy. Default 0.8. */
  temperature?: number;
  /** Keep the k most likely tokens; 0 = all. Default 40. */
  topK?: number;
  /** Keep the smallest set whose probability reaches p; 1 = all. Default 0.95. */
  topP?: number;
  /** Drop tokens less likely than minP × the most likely one; 0 = off. Default 0.05. */
  minP?: number;
  /** 1 = off. Default 1. */
  repetitionPenalty?: number;
  /** Default 0. */
  presencePenalty?: number;
  /** Default 0. */
  frequencyPenalty?: number;
  /** How many recent tokens the penalties look at (prompt included). Default 64; -1 = all. */
  penaltyLastN?: number;
  /** Added to the logits of the given token ids (-Infinity bans a token). */
  logitBias?: Readonly<Record<number, number>> | ReadonlyMap<number, number>;
  /** Same seed, same tokens. Default: random. */
  seed?: number;
}

/** Something that may refuse tokens (a grammar). */
export interface TokenConstraint {
  allows(id: number): boolean;
  /** Sets refused tokens' logits to -Infinity. */
  mask(logits: Float32Array): void;
}

export class Sampler {
  readonly temperature: number;
  private readonly o: Required<Omit<SamplingOptions, 'logitBias' | 'seed' | 'temperature'>>;
  private readonly bias: [number, number][];
  private readonly rng: Rng;
  private readonly history: number[] = [];

  constructor(opts: SamplingOptions = {}, readonly vocab: number) {
    this.temperature = opts.temperature ?? 0.8;
    this.o = {
      topK: opts.topK ?? 40, topP: opts.topP ?? 0.95, minP: opts.minP ?? 0.05,
      repetitionPenalty: opts.repetitionPenalty ?? 1, presencePenalty: opts.presencePenalty ?? 0,
      frequencyPenalty: opts.frequencyPenalty ?? 0, penaltyLastN: opts.penaltyLastN ?? 64,
    };
    const b = opts.logitBias;
    this.bias = b ? (b instanceof Map ? [...b.entries()] : Object.entries(b).map(([k, v]) => [Number(k), v as number])) : [];
    for (const [id, v] of this.bias) {
      if (!(Number.isInteger(id) && id >= 0 && id < vocab) || Number.isNaN(v)) throw new KilnError('E_INPUT_INVALID', `logit bias for token ${id} (${v}): ids run 0…${vocab - 1}`);
    }
    for (const [k, v] of Object.entries(this.o)) if (!Number.isFinite(v)) throw new KilnError('E_INPUT_INVALID', `sampling option ${k} must be a finite number, got ${v}`);
    if (this.o.topP <= 0 || this.o.topP > 1) throw new KilnError('E_INPUT_INVALID', `topP must be in (0, 1], got ${this.o.topP}`);
    this.rng = new Rng(opts.seed ?? randomSeed());
  }

  /** True when the pick is a plain argmax of the raw logits (a backend can do it without reading them). */
  get plainGreedy(): boolean {
    const o = this.o;
    return this.temperature <= 0 && this.bias.length === 0 && o.repetitionPenalty === 1 && o.presencePenalty === 0 && o.frequencyPenalty === 0;
  }

  /** Records a token (prompt or generated) for the penalties. */
  accept(id: number): void {
    this.history.push(id);
    const keep = Math.max(this.o.penaltyLastN, 0);
    if (this.o.penaltyLastN >= 0 && this.history.length > keep * 2 + 64) this.history.splice(0, this.history.length - keep);
  }

  /** Picks a token; `logits` is modified. */
  sample(logits: Float32Array, constraint?: TokenConstraint): number {
    if (logits.length !== this.vocab) throw new KilnError('E_INTERNAL', `${logits.length} logits for a vocabulary of ${this.vocab}`);
    for (const [id, v] of this.bias) logits[id] = logits[id]! + v;
    this.penalize(logits);
    if (this.temperature <= 0) return greedy(logits, constraint);
    if (!constraint) return this.draw(logits);
    const saved = logits.slice();
    const id = this.draw(logits);
    if (constraint.allows(id)) return id;
    constraint.mask(saved);
    return this.draw(saved);
  }

  private penalize(z: Float32Array): void {
    const { repetitionPenalty: rep, presencePenalty: pres, frequencyPenalty: freq, penaltyLastN: lastN } = this.o;
    if (rep === 1 && pres === 0 && freq === 0) return;
    const recent = lastN < 0 ? this.history : this.history.slice(Math.max(0, this.history.length - lastN));
    const counts = new Map<number, number>();
    for (const t of recent) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, c] of counts) {
      if (t < 0 || t >= z.length) continue;
      let v = z[t]!;
      v = v > 0 ? v / rep : v * rep;
      z[t] = v - c * freq - pres;
    }
  }

  /** top-k → top-p → min-p → temperature → softmax → draw. */
  private draw(z: Float32Array): number {
    const { topK, topP, minP } = this.o;
    let cand = topIds(z, topK > 0 ? Math.min(topK, z.length) : z.length);
    if (cand.length === 0 || z[cand[0]!] === -Infinity) throw new KilnError('E_INPUT_INVALID', 'no token is allowed: every logit is -Infinity (logit bias or constraint)');
    cand = cand.filter((id) => z[id] !== -Infinity);
    const max = z[cand[0]!]!;
    if (topP < 1) {
      let sum = 0;
      for (const id of cand) sum += Math.exp(z[id]! - max);
      let cum = 0;
      let keep = cand.length;
      for (let i = 0; i < cand.length; i++) {
        cum += Math.exp(z[cand[i]!]! - max) / sum;
        if (cum >= topP) {
          keep = i + 1;
          break;
        }
      }
      cand = cand.slice(0, keep);
    }
    if (minP > 0) {
      const floor = max + Math.log(minP);
      cand = cand.filter((id, i) => i === 0 || z[id]! >= floor);
    }
    const w = cand.map((id) => Math.exp((z[id]! - max) / this.temperature));
    const total = w.reduce((a, b) => a + b, 0);
    let r = this.rng.next() * total;
    for (let i = 0; i < cand.length; i++) {
      r -= w[i]!;
      if (r < 0) return cand[i]!;
    }
    return cand[cand.length - 1]!;
  }
}

/** The best token the constraint allows (the first index on ties). */
export function greedy(z: Float32Array, constraint?: TokenConstraint): number {
  let best = 0;
  for (let i = 1; i < z.length; i++) if (z[i]! > z[best]!) best = i;
  if (!constraint || constraint.allows(best)) return best;
  const order = topIds(z, z.length);
  for (const id of order) {
    if (z[id] === -Infinity) break;
    if (constraint.allows(id)) return id;
  }
  throw new KilnError('E_INPUT_INVALID', 'no token is allowed: the constraint refuses every token with a finite logit');
}

/** Ids of the k largest logits, largest first (stable: lower id first on ties). */
export function topIds(z: Float32Array, k: number): number[] {
  if (k >= z.length) {
    const all = Array.from({ length: z.length }, (_, i) => i);
    return all.sort((a, b) => z[b]! - z[a]! || a - b);
  }
  const ids: number[] = [];
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    if (ids.length === k && v <= z[ids[k - 1]!]!) continue;
    let j = ids.length < k ? ids.length : k - 1;
    while (j > 0 && z[ids[j - 1]!]! < v) {
      ids[j] = ids[j - 1]!;
      j--;
    }
    ids[j] = i;
  }
  return ids;
}
