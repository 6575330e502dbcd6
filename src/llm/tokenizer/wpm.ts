/**
 * WordPiece (tokenizer.ggml.model = "bert"). The text is normalized as BERT's tokenizer does
 * (decompose and drop accents, lowercase, drop control characters), split on whitespace, and split
 * again around punctuation, ASCII symbols and CJK ideographs, each of which becomes a word of its own.
 * GGUF stores BERT vocabularies with a U+2581 "phantom space" in front of word-initial pieces instead of
 * "##" on continuations, so each word is matched as "▁word", greedily longest-first; a word with any
 * unmatched position becomes the unknown token.
 */
import type { Vocab } from './vocab.js';

const WHITESPACE = /\p{White_Space}/u;
const CONTROL = /\p{C}/u;
const ACCENT = /\p{Mn}/u;
const PUNCT = /\p{P}/u;
const SYMBOL = /\p{S}/u;
/** Hugging Face's BERT gives up on longer words (max_input_chars_per_word). */
const MAX_WORD_CHARS = 100;

function isChinese(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x20000 && c <= 0x2a6df) ||
    (c >= 0x2a700 && c <= 0x2b73f) || (c >= 0x2b740 && c <= 0x2b81f) || (c >= 0x2b920 && c <= 0x2ceaf) ||
    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x2f800 && c <= 0x2fa1f);
}

export function wpmWords(vocab: Vocab, text: string): string[] {
  const words: string[] = [];
  let cur = '';
  const flush = () => { if (cur) words.push(cur); cur = ''; };
  for (const ch of vocab.stripAccents ? text.normalize('NFD') : text) {
    const c = ch.codePointAt(0)!;
    if (WHITESPACE.test(ch)) { flush(); continue; }
    if (c === 0 || c === 0xfffd || CONTROL.test(ch)) continue;
    if (vocab.stripAccents && ACCENT.test(ch)) continue;
    const s = vocab.lowercase ? ch.toLowerCase() : ch;
    if (PUNCT.test(ch) || (c < 0x7f && SYMBOL.test(ch)) || isChinese(c)) {
      flush();
      words.push(s);
    } else cur += s;
  }
  flush();
  return words;
}

export function wpmEncode(vocab: Vocab, text: string, out: number[]): void {
  const unk = vocab.special.unk ?? 0;
  for (const word of wpmWords(vocab, text)) {
    const chars = Array.from('\u2581' + word);
    if (chars.length - 1 > MAX_WORD_CHARS) { out.push(unk); continue; }
    const start = out.length;
    for (let i = 0; i < chars.length;) {
      let j = Math.min(chars.length, i + vocab.maxTokenChars);
      let id: number | undefined;
      for (; j > i; j--) if ((id = vocab.tokenToId.get(chars.slice(i, j).join(''))) !== undefined) break;
      if (id === undefined) { out.length = start; break; }
      out.push(id);
      i = j;
    }
    if (out.length === start) out.push(unk);
  }
}
