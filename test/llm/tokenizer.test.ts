/** Tokenizer behaviour beyond the conformance cases: special tokens, BOS/EOS/EOT, decoding, errors. */
import { describe, expect, it } from 'vitest';
import { KilnError } from '../../src/engine/errors.js';
import { readGguf } from '../../src/formats/gguf/index.js';
import { BYTE_TO_CHAR, preTokenize, preTokenizerFor, Tokenizer } from '../../src/llm/index.js';
import { buildGguf, V, type Val } from '../formats/gguf-build.js';
import { loadTokenizer } from './vocab-data.js';

const vocabFile = (kv: [string, Val][]) => readGguf(buildGguf({ kv }));
/** A tiny byte-level BPE vocabulary: the 256 byte characters, a few merges, two special tokens. */
function tinyBpe(pre: string, extra: [string, Val][] = []) {
  const merges = ['h e', 'l l', 'he ll', 'hell o', 'Ġ w', 'Ġw o', 'o r'];
  const words = ['he', 'll', 'hell', 'hello', 'Ġw', 'Ġwo', 'or', 'world'];
  const tokens = [...BYTE_TO_CHAR, ...words, '<|endoftext|>', '<tool>'];
  const types = tokens.map((t) => (t === '<|endoftext|>' ? 3 : t === '<tool>' ? 4 : 1));
  return Tokenizer.fromGguf(vocabFile([
    ['tokenizer.ggml.model', V.str('gpt2')], ['tokenizer.ggml.pre', V.str(pre)], ['tokenizer.ggml.tokens', V.strs(tokens)],
    ['tokenizer.ggml.token_type', V.i32s(types)], ['tokenizer.ggml.merges', V.strs(merges)], ...extra,
  ]));
}

describe('special tokens', () => {
  const spm = loadTokenizer('llama-spm');

  it('parse_special turns control-token text into the token; off, it is text', () => {
    const on = spm.encode('<s>Hello</s>', { parseSpecial: true });
    expect(on[0]).toBe(1);
    expect(on.at(-1)).toBe(2);
    expect(on.slice(1, -1)).toEqual(spm.encode('Hello'));
    const off = spm.encode('<s>Hello</s>');
    expect(off).not.toContain(1);
    expect(spm.decode(off)).toBe('<s>Hello</s>');
    expect(spm.decode(on)).toBe('Hello');
    expect(spm.decode(on, { special: true })).toBe('<s>Hello</s>');
  });

  it('user-defined tokens match even with parse_special off; control tokens only with it on', () => {
    const tok = tinyBpe('gpt-2');
    const id = tok.tokenId('<tool>')!;
    const eot = tok.tokenId('<|endoftext|>')!;
    expect(tok.encode('a<tool>b')).toEqual([...tok.encode('a'), id, ...tok.encode('b')]);
    expect(tok.encode('<|endoftext|>')).not.toContain(eot);
    expect(tok.encode('x<|endoftext|>', { parseSpecial: true }).at(-1)).toBe(eot);
  });

  it('add_special adds what each model adds: BOS (llama), nothing (gpt-2), CLS … SEP (bert)', () => {
    expect(spm.encode('Hi', { addSpecial: true })).toEqual([1, ...spm.encode('Hi')]);
    expect(spm.encode('', { addSpecial: true })).toEqual([1]);
    const gpt2 = loadTokenizer('gpt-2');
    expect(gpt2.encode('Hi', { addSpecial: true })).toEqual(gpt2.encode('Hi'));
    const bert = loadTokenizer('bert-bge');
    expect(bert.encode('hello', { addSpecial: true })).toEqual([101, ...bert.encode('hello'), 102]);
    expect(tinyBpe('llama-bpe', [['tokenizer.ggml.bos_token_id', V.u32(0)]]).encode('he', { addSpecial: true })[0]).toBe(0);
  });

  it('knows BOS/EOS/EOT and the end-of-generation set', () => {
    expect([spm.bos, spm.eos, spm.eot]).toEqual([1, 2, undefined]);
    expect(spm.isEog(2)).toBe(true);
    const gpt2 = loadTokenizer('gpt-2');
    expect([gpt2.bos, gpt2.eos, gpt2.eot]).toEqual([50256, 50256, 50256]);
    expect(gpt2.isEog(50256) && !gpt2.isEog(0)).toBe(true);
    const bert = loadTokenizer('bert-bge');
    expect(bert.special).toMatchObject({ bos: 101, unk: 100, sep: 102, pad: 0, mask: 103 });
    const star = loadTokenizer('starcoder');
    expect(star.special).toMatchObject({ eot: 0 });
  });
});

describe('BPE merges and pre-tokenizers', () => {
  it('merges by rank, leftmost first, and falls back to byte tokens', () => {
    const tok = tinyBpe('gpt-2');
    expect(tok.encode('hello world').map((id) => tok.tokenText(id))).toEqual(['hello', 'Ġwo', 'r', 'l', 'd']);
    expect(tok.decode(tok.encode('hello world'))).toBe('hello world');
  });

  it('ignore_merges (Llama 3 pre-tokenizer) takes a whole word that is a token', () => {
    expect(tinyBpe('gpt-2').encode('world').map((id) => id)).not.toEqual([tinyBpe('gpt-2').tokenId('world')]);
    const l3 = tinyBpe('llama-bpe');
    expect(l3.encode('world')).toEqual([l3.tokenId('world')]);
  });

  it('splits words as each pre-tokenizer defines', () => {
    expect(preTokenize("Hello world 12345 don't!!", preTokenizerFor('llama-bpe').regexes)).toEqual(['Hello', ' world', ' ', '123', '45', ' don', "'t", '!!']);
    expect(preTokenize('a1234b  c', preTokenizerFor('qwen2').regexes)).toEqual(['a', '1', '2', '3', '4', 'b', ' ', ' c']);
    expect(preTokenize('x=1000000', preTokenizerFor('falcon').regexes)).toEqual(['x', '=', '100', '000', '0']);
    // \s is Unicode White_Space: U+0085 counts, U+FEFF does not
    expect(preTokenize('a\u0085b', preTokenizerFor('gpt-2').regexes)).toEqual(['a', '\u0085', 'b']);
    expect(preTokenize('a\uFEFFb', preTokenizerFor('gpt-2').regexes)).toEqual(['a', '\uFEFF', 'b']);
  });
});

describe('decoding', () => {
  it('streams UTF-8 split across byte tokens', () => {
    const spm = loadTokenizer('llama-spm');
    const text = 'Hello 🦙 wörld ខ្មែរ';
    const ids = spm.encode(text, { addSpecial: true });
    const feed = spm.streamDecoder();
    expect(ids.map(feed).join('')).toBe(text);
    const byteToken = ids.find((id) => spm.tokenText(id).startsWith('<0x'))!;
    expect(spm.tokenBytes(byteToken).length).toBe(1);
  });

  it('tokenToPiece keeps the leading space; decode drops only the one the encoder added', () => {
    const spm = loadTokenizer('llama-spm');
    const [first] = spm.encode('Hello');
    expect(spm.tokenToPiece(first!)).toBe(' Hello');
    expect(spm.decode(spm.encode('  two'))).toBe('  two');
  });

  it('cleanSpaces applies llama.cpp clean-up where the vocabulary asks for it', () => {
    const gpt2 = loadTokenizer('gpt-2');
    const ids = gpt2.encode("Hello , world . It 's");
    expect(gpt2.decode(ids)).toBe("Hello , world . It 's");
    expect(gpt2.decode(ids, { cleanSpaces: true })).toBe("Hello, world. It's");
  });

  it('refuses ids outside the vocabulary', () => {
    expect(() => loadTokenizer('gpt-2').decode([50257])).toThrow(/token id 50257 is outside the vocabulary \(50257 tokens\)/);
    expect(() => loadTokenizer('gpt-2').tokenText(-1)).toThrow(KilnError);
  });
});

describe('vocabulary errors name the key', () => {
  const base: [string, Val][] = [['tokenizer.ggml.tokens', V.strs(['a', 'b'])]];
  it.each([
    ['no tokenizer', [], /'tokenizer.ggml.model'.*no tokenizer/],
    ['unknown model', [['tokenizer.ggml.model', V.str('rwkv')], ...base], /'tokenizer.ggml.model' = 'rwkv'/],
    ['no tokens', [['tokenizer.ggml.model', V.str('llama')]], /'tokenizer.ggml.tokens' \(an array of strings\) is missing/],
    ['tokens not strings', [['tokenizer.ggml.model', V.str('llama')], ['tokenizer.ggml.tokens', V.i32s([1])]], /'tokenizer.ggml.tokens' must be an array of string/],
    ['unknown pre-tokenizer', [['tokenizer.ggml.model', V.str('gpt2')], ['tokenizer.ggml.pre', V.str('nope')], ...base], /'tokenizer.ggml.pre' = 'nope' names a pre-tokenizer Kiln does not know/],
    ['gpt2 without merges', [['tokenizer.ggml.model', V.str('gpt2')], ['tokenizer.ggml.pre', V.str('gpt-2')], ...base], /needs 'tokenizer.ggml.merges'/],
    ['short scores', [['tokenizer.ggml.model', V.str('llama')], ...base, ['tokenizer.ggml.scores', V.f32s([0])]], /'tokenizer.ggml.scores' has 1 entries for 2 tokens/],
    ['duplicate token', [['tokenizer.ggml.model', V.str('llama')], ['tokenizer.ggml.tokens', V.strs(['a', 'a'])]], /duplicate token "a".*ids 0 and 1/],
  ] as [string, [string, Val][], RegExp][])('%s', (_name, kv, re) => {
    expect(() => Tokenizer.fromGguf(vocabFile(kv))).toThrow(re);
  });
});
