/**
 * Token ids back to text. Each token contributes bytes (llama.cpp's token_to_piece): normal tokens their
 * text (U+2581 → space for SentencePiece and WordPiece vocabularies, byte-level characters → bytes for
 * BPE), byte tokens <0xXX> their byte, user-defined tokens their text, control and unknown tokens their
 * text only when asked for; the bytes are then read as UTF-8. SentencePiece and WordPiece text loses the
 * one space the encoder put in front of it (at the start and after each special token), so that
 * decode(encode(x)) gives x back for lossless vocabularies.
 */
import { KilnError } from '../../engine/errors.js';
import { byteDecode } from './byte-level.js';
import { TOKEN_TYPE, type Vocab } from './vocab.js';

const utf8 = new TextEncoder();

export function checkId(vocab: Vocab, id: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= vocab.tokens.length) {
    throw new KilnError('E_INPUT_INVALID', `token id ${id} is outside the vocabulary (${vocab.tokens.length} tokens)`);
  }
}

/** Appends the bytes of token `id` to `out`. */
export function pieceBytes(vocab: Vocab, id: number, special: boolean, out: number[]): void {
  checkId(vocab, id);
  const text = vocab.tokens[id]!;
  switch (vocab.types[id]) {
    case TOKEN_TYPE.CONTROL:
    case TOKEN_TYPE.UNKNOWN:
      if (special) for (const b of utf8.encode(text)) out.push(b);
      return;
    case TOKEN_TYPE.USER_DEFINED:
      for (const b of utf8.encode(text)) out.push(b);
      return;
    case TOKEN_TYPE.NORMAL:
      if (vocab.model === 'gpt2') byteDecode(text, out);
      else for (const b of utf8.encode(text.replaceAll('\u2581', ' '))) out.push(b);
      return;
    case TOKEN_TYPE.BYTE: {
      const b = parseInt(text.slice(3, 5), 16);
      if (Number.isFinite(b)) out.push(b);
      return;
    }
    default:
      return; // unused and undefined tokens decode to nothing
  }
}

export const isSpecialType = (t: number | undefined): boolean => t === TOKEN_TYPE.CONTROL || t === TOKEN_TYPE.UNKNOWN;

/** Whether the vocabulary's encoder prefixes text with one space that decoding should drop. */
export const stripsLeadingSpace = (v: Vocab): boolean => (v.model === 'llama' && v.addSpacePrefix) || v.model === 'bert';

/** Bytes of a whole id sequence, dropping the encoder's leading spaces. */
export function decodeBytes(vocab: Vocab, ids: readonly number[], special: boolean): Uint8Array {
  const out: number[] = [];
  const strip = stripsLeadingSpace(vocab);
  let atStart = true;
  for (const id of ids) {
    const from = out.length;
    pieceBytes(vocab, id, special, out);
    if (isSpecialType(vocab.types[id])) {
      atStart = true;
      continue;
    }
    if (out.length === from) continue;
    if (strip && atStart && out[from] === 0x20) out.splice(from, 1);
    atStart = false;
  }
  return Uint8Array.from(out);
}

/**
 * llama.cpp's clean_spaces (Hugging Face's clean_up_tokenization_spaces): drops the space before
 * ? ! . , and before 's 'm 're 've, and around a lone apostrophe. Lossy; off unless asked for.
 */
export function cleanSpaces(s: string): string {
  return s
    .replace(/ ([?!.,])/g, '$1')
    .replace(/ ' /g, "'")
    .replace(/ '(s|m|re|ve)/g, "'$1");
}
