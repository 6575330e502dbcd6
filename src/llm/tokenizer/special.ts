/**
 * Splitting text around special tokens before the model's tokenizer sees it (llama.cpp's
 * tokenizer_st_partition). User-defined tokens are always matched in the raw text, as Hugging Face
 * matches added tokens; control and unknown tokens only when the caller asks to parse special tokens.
 * Longer tokens are matched first.
 */
import { TOKEN_TYPE, type Vocab } from './vocab.js';

/** A piece of input: raw text to tokenize, or a token id already decided. */
export type Fragment = string | number;

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

export class SpecialMatcher {
  /** [id, text] of user-defined tokens, and of control/unknown tokens, longest first. */
  private readonly userDefined: [number, string][] = [];
  private readonly all: [number, string][] = [];

  constructor(vocab: Vocab) {
    const cand: [number, string, number][] = [];
    vocab.tokens.forEach((t, id) => {
      const ty = vocab.types[id];
      if (t && (ty === TOKEN_TYPE.CONTROL || ty === TOKEN_TYPE.USER_DEFINED || ty === TOKEN_TYPE.UNKNOWN)) cand.push([id, t, utf8Length(t)]);
    });
    cand.sort((a, b) => b[2] - a[2] || a[0] - b[0]);
    for (const [id, t] of cand) {
      this.all.push([id, t]);
      if (vocab.types[id] === TOKEN_TYPE.USER_DEFINED) this.userDefined.push([id, t]);
    }
  }

  partition(text: string, parseSpecial: boolean): Fragment[] {
    let frags: Fragment[] = text === '' ? [] : [text];
    for (const [id, t] of parseSpecial ? this.all : this.userDefined) {
      const next: Fragment[] = [];
      for (const f of frags) {
        if (typeof f === 'number' || !f.includes(t)) {
          next.push(f);
          continue;
        }
        let from = 0;
        for (let at = f.indexOf(t); at >= 0; at = f.indexOf(t, from)) {
          if (at > from) next.push(f.slice(from, at));
          next.push(id);
          from = at + t.length;
        }
        if (from < f.length) next.push(f.slice(from));
      }
      frags = next;
    }
    return frags;
  }
}
