/** stories260K's tokenizer against llama.cpp's llama-tokenize output recorded in golden.json. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openGguf } from '../../src/formats/gguf/index.js';
import { Tokenizer } from '../../src/llm/index.js';
import { LLM_DIR } from './vocab-data.js';

interface Golden { tokenize: { model: string; cases: { text: string; ids_with_bos: number[] }[] } }
const golden = JSON.parse(readFileSync(`${LLM_DIR}golden.json`, 'utf8')) as Golden;

describe('stories260K tokenizations (golden.json)', () => {
  for (const model of ['stories260K.gguf', 'stories260K-tied.gguf', 'stories260K-mixq.gguf']) {
    it(`${model}: all ${golden.tokenize.cases.length} cases, BOS included`, async () => {
      const f = await openGguf(`${LLM_DIR}${model}`);
      const tok = Tokenizer.fromGguf(f);
      await f.close();
      expect(tok.bos).toBe(1);
      expect(tok.eos).toBe(2);
      for (const c of golden.tokenize.cases) {
        expect(tok.encode(c.text, { addSpecial: true })).toEqual(c.ids_with_bos);
        expect(tok.decode(c.ids_with_bos)).toBe(c.text);
      }
    });
  }
});
