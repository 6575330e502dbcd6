/** The sampler chain (greedy, top-k/p, min-p, temperature, penalties, bias, seed) and stop strings. */
import { describe, expect, it } from 'vitest';
import { Sampler, StopMatcher } from '../../src/llm/index.js';
import { topIds } from '../../src/llm/sampling/sampler.js';
import { Rng } from '../../src/llm/sampling/rng.js';

const z = (...v: number[]) => Float32Array.from(v);

describe('Sampler', () => {
  it('greedy picks the largest logit (first on ties), after bias and penalties', () => {
    expect(new Sampler({ temperature: 0 }, 4).sample(z(1, 3, 3, 2))).toBe(1);
    expect(new Sampler({ temperature: 0, logitBias: { 1: -Infinity, 2: -Infinity } }, 4).sample(z(1, 3, 3, 2))).toBe(3);
    const s = new Sampler({ temperature: 0, repetitionPenalty: 2 }, 4);
    s.accept(1);
    expect(s.sample(z(1, 3, 2.5, 2))).toBe(2); // 3 / 2 = 1.5 < 2.5
    const neg = new Sampler({ temperature: 0, repetitionPenalty: 2 }, 3);
    neg.accept(0);
    expect(neg.sample(z(-1, -1.5, -3))).toBe(1); // -1 · 2 = -2 < -1.5
    const pf = new Sampler({ temperature: 0, presencePenalty: 0.5, frequencyPenalty: 0.25 }, 3);
    for (const t of [0, 0, 1]) pf.accept(t);
    const logits = z(2, 2, 1.5);
    expect(pf.sample(logits)).toBe(2);
    expect(Array.from(logits)).toEqual([1, 1.25, 1.5]); // 2 - 2·0.25 - 0.5, 2 - 0.25 - 0.5
    expect(new Sampler({ temperature: 0 }, 3).plainGreedy).toBe(true);
    expect(new Sampler({ temperature: 0, logitBias: { 0: 1 } }, 3).plainGreedy).toBe(false);
  });

  it('penalties look only at the last penaltyLastN tokens', () => {
    const s = new Sampler({ temperature: 0, presencePenalty: 10, penaltyLastN: 1 }, 3);
    s.accept(0);
    s.accept(1);
    expect(s.sample(z(3, 2.9, 0))).toBe(0);
  });

  it('top-k = 1 and tiny top-p / large min-p are greedy; the same seed gives the same draws', () => {
    const logits = () => z(0.1, 0.5, 0.2, 0.45, 0.3);
    for (const o of [{ topK: 1 }, { topP: 0.01, topK: 0 }, { minP: 0.99, topK: 0, topP: 1 }]) {
      const s = new Sampler({ temperature: 1.5, seed: 1, ...o }, 5);
      for (let i = 0; i < 20; i++) expect(s.sample(logits())).toBe(1);
    }
    const draws = (seed: number) => {
      const s = new Sampler({ temperature: 1, topK: 0, topP: 1, minP: 0, seed }, 5);
      return Array.from({ length: 50 }, () => s.sample(logits()));
    };
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
    expect(new Set(draws(7)).size).toBe(5);
  });

  it('draws follow the softmax at temperature 1 (a seeded frequency check)', () => {
    const s = new Sampler({ temperature: 1, topK: 0, topP: 1, minP: 0, seed: 3 }, 3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[s.sample(z(0, Math.log(2), Math.log(7)))]!++;
    expect(counts[0]! / 20000).toBeCloseTo(0.1, 1);
    expect(counts[1]! / 20000).toBeCloseTo(0.2, 1);
    expect(counts[2]! / 20000).toBeCloseTo(0.7, 1);
  });

  it('a constraint masks refused tokens; greedy takes the best allowed one', () => {
    const allow = new Set([0, 3]);
    const c = { allows: (id: number) => allow.has(id), mask: (l: Float32Array) => l.forEach((_, i) => { if (!allow.has(i)) l[i] = -Infinity; }) };
    expect(new Sampler({ temperature: 0 }, 4).sample(z(1, 9, 8, 2), c)).toBe(3);
    const s = new Sampler({ temperature: 1, topK: 0, topP: 1, minP: 0, seed: 5 }, 4);
    for (let i = 0; i < 30; i++) expect(allow.has(s.sample(z(1, 9, 8, 2), c))).toBe(true);
  });

  it('refuses bad options', () => {
    expect(() => new Sampler({ topP: 0 }, 4)).toThrow(/topP/);
    expect(() => new Sampler({ logitBias: { 9: 1 } }, 4)).toThrow(/logit bias/);
    expect(() => new Sampler({ temperature: 0, logitBias: { 0: -Infinity, 1: -Infinity } }, 2).sample(z(1, 2))).not.toThrow();
    expect(() => new Sampler({ temperature: 1, logitBias: { 0: -Infinity, 1: -Infinity } }, 2).sample(z(1, 2))).toThrow(/no token is allowed/);
  });

  it('topIds: the k largest, stable', () => {
    expect(topIds(z(1, 5, 3, 5, 2), 3)).toEqual([1, 3, 2]);
    expect(topIds(z(1, 5, 3, 5, 2), 9)).toEqual([1, 3, 2, 4, 0]);
  });

  it('Rng is deterministic and uniform enough', () => {
    const a = new Rng(9), b = new Rng(9);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(Math.abs(xs.reduce((p, q) => p + q) / 1000 - 0.5)).toBeLessThan(0.05);
  });
});

describe('StopMatcher', () => {
  it('holds back a possible stop string and cuts at the first full one', () => {
    const m = new StopMatcher(['</s>', 'END']);
    expect(m.push('Hello <')).toBe('Hello ');
    expect(m.push('/')).toBe('');
    expect(m.push('x')).toBe('</x');
    expect(m.push(' EN')).toBe(' ');
    expect(m.push('Dless')).toBe('');
    expect(m.stopped).toBe('END');
    expect(m.flush()).toBe('');
  });

  it('releases held text at the end when no stop string completed', () => {
    const m = new StopMatcher(['###']);
    expect(m.push('a#')).toBe('a');
    expect(m.push('#')).toBe('');
    expect(m.flush()).toBe('##');
    expect(new StopMatcher([]).push('x')).toBe('x');
  });
});
