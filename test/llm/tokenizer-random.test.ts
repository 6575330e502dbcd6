/**
 * Seeded random text through all nine vocabularies: mixed scripts, emoji sequences, combining marks,
 * control characters, whitespace runs, special-token look-alikes and lone surrogates. Encoding never
 * throws; decode(encode(x)) == x for the lossless vocabularies (everything but BERT), where x is well-formed
 * and, for SentencePiece vocabularies, free of U+2581 (which SentencePiece reads as a space).
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../formats/gguf-build.js';
import { loadTokenizer, PAIRED, UNPAIRED } from './vocab-data.js';

const ATOMS = [
  'a', 'Z', 'hello', ' world', "'s", "n't", '0', '123456789', '½', '  ', '   ', '\t', '\n', '\r\n', '\u00a0', '\u0085', '\u3000',
  'ü', 'e\u0301', 'Ω', 'Москва', 'ខ្មែរ', '你好', '日本語', '한국어', 'العربية', '🦙', '👨‍👩‍👧', '🏳️‍🌈', '\u0000', '\u0007', '\u200b',
  '<s>', '</s>', '<|endoftext|>', '[CLS]', '<0x0A>', '!!!', '...', '$', '`', '~', '\\', '{', '}', '<', '>', 'Ġ', '\uFEFF',
];

function randomText(rnd: () => number): string {
  let s = '';
  const n = Math.floor(rnd() * 12);
  for (let i = 0; i < n; i++) s += ATOMS[Math.floor(rnd() * ATOMS.length)];
  return s;
}

describe('random text through every vocabulary (seeded)', () => {
  for (const name of [...PAIRED, ...UNPAIRED]) {
    it(`${name}: 300 texts encode, and round-trip where lossless`, () => {
      const tok = loadTokenizer(name);
      const rnd = mulberry32(name.length * 7919);
      const lossless = name !== 'bert-bge';
      for (let i = 0; i < 300; i++) {
        let text = randomText(rnd);
        if (tok.model === 'llama') text = text.replaceAll('\u2581', '');
        const special = rnd() < 0.3;
        const ids = tok.encode(text, { addSpecial: special, parseSpecial: special });
        expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < tok.size)).toBe(true);
        if (lossless && !special) expect(tok.decode(ids)).toBe(text);
      }
      expect(tok.encode('a\uD800b').length).toBeGreaterThan(0); // a lone surrogate reads as U+FFFD
    });
  }
});
