/**
 * llama.cpp's tokenizer tests (test-tokenizer-0): for each of the 7 vocabularies with a test pair, all 46
 * inputs must tokenize token for token as Hugging Face's tokenizer did (add_special and parse_special off).
 * Then the round trips: decode(encode(x)) == x for every input wherever the tokenizer is lossless, and the
 * two vocabularies without test pairs (gpt-neox, baichuan) load and round-trip the same inputs.
 */
import { describe, expect, it } from 'vitest';
import { loadCases, loadTokenizer, PAIRED, UNPAIRED } from './vocab-data.js';

const inputs = loadCases('gpt-2').map((c) => c.text);

describe('llama.cpp tokenizer tests: 7 vocabularies × 46 cases', () => {
  const matched: Record<string, number> = {};
  for (const name of PAIRED) {
    it(`${name}: all 46 cases match token for token`, () => {
      const tok = loadTokenizer(name);
      const cases = loadCases(name);
      expect(cases.length).toBe(46);
      const wrong = cases
        .map((c, i) => ({ i, text: c.text, want: c.ids, got: tok.encode(c.text) }))
        .filter((r) => r.got.join(' ') !== r.want.join(' '));
      matched[name] = cases.length - wrong.length;
      expect(wrong).toEqual([]);
    });
  }

  it('totals 322 of 322', () => {
    const total = Object.values(matched).reduce((a, b) => a + b, 0);
    console.log(JSON.stringify(matched));
    expect(total).toBe(322);
  });
});

describe('decode(encode(x)) == x', () => {
  for (const name of [...PAIRED.filter((n) => n !== 'bert-bge'), ...UNPAIRED]) {
    it(`${name}: every input round-trips, with and without add_special`, () => {
      const tok = loadTokenizer(name);
      for (const text of inputs) {
        const ids = tok.encode(text);
        if (text !== '') expect(ids.length).toBeGreaterThan(0);
        expect(tok.decode(ids)).toBe(text);
        expect(tok.decode(tok.encode(text, { addSpecial: true }))).toBe(text);
      }
    });
  }

  it('bert-bge (lossy: lowercases, drops accents, normalises spaces) round-trips plain lowercase text', () => {
    const tok = loadTokenizer('bert-bge');
    expect(tok.decode(tok.encode('hello world this is a test'))).toBe('hello world this is a test');
    expect(tok.decode(tok.encode('Héllo   WORLD'))).toBe('hello world');
  });
});
