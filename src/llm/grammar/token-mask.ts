/**
 * Grammar-constrained decoding at the token level. A token is allowed when the grammar accepts its
 * bytes from the current state; a token may end inside a UTF-8 sequence, so the state carries the
 * pending code point, and a partial sequence is allowed when the grammar could take some code point it
 * begins. End-of-generation tokens are allowed exactly when the text so far is complete.
 *
 * The full mask walks the vocabulary sorted by bytes, reusing the states of the prefix it shares with
 * the previous token (an implicit trie), and skips every token that starts with a refused prefix.
 */
import type { TokenConstraint } from '../sampling/sampler.js';
import type { Tokenizer } from '../tokenizer/index.js';
import { GrammarMatcher, type MatchState } from './matcher.js';
import type { Grammar } from './grammar.js';

interface ByteState {
  readonly m: MatchState;
  /** Bits of the code point read so far, how many continuation bytes it still needs, its length. */
  readonly cp: number;
  readonly need: number;
  readonly len: number;
}

/** The smallest code point each UTF-8 length may encode (shorter forms are overlong, and refused). */
const MIN_CP = [0, 0, 0x80, 0x800, 0x10000];

/** The token bytes of a vocabulary, sorted, with longest-common-prefix lengths. Built once per tokenizer. */
export class VocabIndex {
  readonly bytes: (Uint8Array | undefined)[];
  readonly sorted: Int32Array;
  readonly lcp: Int32Array;
  readonly eog: ReadonlySet<number>;

  constructor(tok: Tokenizer) {
    const n = tok.size;
    this.bytes = new Array<Uint8Array | undefined>(n);
    const eog = new Set<number>();
    const ids: number[] = [];
    for (let id = 0; id < n; id++) {
      if (tok.isEog(id)) eog.add(id);
      if (tok.isControl(id) || tok.isEog(id)) continue;
      const b = tok.tokenBytes(id);
      if (b.length === 0) continue;
      this.bytes[id] = b;
      ids.push(id);
    }
    ids.sort((a, b) => compareBytes(this.bytes[a]!, this.bytes[b]!));
    this.sorted = Int32Array.from(ids);
    this.lcp = new Int32Array(ids.length);
    for (let i = 1; i < ids.length; i++) this.lcp[i] = commonPrefix(this.bytes[ids[i - 1]!]!, this.bytes[ids[i]!]!);
    this.eog = eog;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

const indexes = new WeakMap<Tokenizer, VocabIndex>();
export function vocabIndex(tok: Tokenizer): VocabIndex {
  let v = indexes.get(tok);
  if (!v) indexes.set(tok, (v = new VocabIndex(tok)));
  return v;
}

export class GrammarConstraint implements TokenConstraint {
  private readonly matcher: GrammarMatcher;
  private state: ByteState;

  constructor(grammar: Grammar, private readonly vocab: VocabIndex) {
    this.matcher = new GrammarMatcher(grammar);
    this.state = { m: this.matcher.initial, cp: 0, need: 0, len: 0 };
  }

  /** The text so far is a whole sentence and nothing may follow: generation is over. */
  get finished(): boolean {
    return this.state.need === 0 && this.state.m.accepting && this.state.m.frames.length === 0;
  }

  get complete(): boolean {
    return this.state.need === 0 && this.state.m.accepting;
  }

  private step(s: ByteState, byte: number): ByteState | undefined {
    const mt = this.matcher;
    let { cp, need, len } = s;
    if (need === 0) {
      if (byte < 0x80) {
        const m = mt.advance(s.m, byte);
        return m && { m, cp: 0, need: 0, len: 0 };
      }
      if ((byte & 0xe0) === 0xc0) [cp, need] = [byte & 0x1f, 1];
      else if ((byte & 0xf0) === 0xe0) [cp, need] = [byte & 0x0f, 2];
      else if ((byte & 0xf8) === 0xf0) [cp, need] = [byte & 0x07, 3];
      else return undefined;
      len = need + 1;
    } else {
      if ((byte & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (byte & 0x3f);
      need--;
    }
    // Code points this prefix can still become, less overlong forms, surrogates and values past U+10FFFF.
    const lo = Math.max(cp * 2 ** (6 * need), MIN_CP[len]!);
    const hi = Math.min(cp * 2 ** (6 * need) + 2 ** (6 * need) - 1, 0x10ffff);
    if (lo > hi || (lo >= 0xd800 && hi <= 0xdfff)) return undefined;
    if (need === 0) {
      const m = mt.advance(s.m, cp);
      return m && { m, cp: 0, need: 0, len: 0 };
    }
    return mt.canTakeRange(s.m, lo, hi) ? { m: s.m, cp, need, len } : undefined;
  }

  private run(bytes: Uint8Array, s: ByteState | undefined = this.state): ByteState | undefined {
    for (let i = 0; i < bytes.length && s; i++) s = this.step(s, bytes[i]!);
    return s;
  }

  allows(id: number): boolean {
    if (this.vocab.eog.has(id)) return this.complete;
    const b = this.vocab.bytes[id];
    return b !== undefined && this.run(b) !== undefined;
  }

  /** Advances past a chosen token. */
  accept(id: number): void {
    if (this.vocab.eog.has(id)) return;
    const b = this.vocab.bytes[id];
    const next = b && this.run(b);
    if (!next) throw new Error(`internal: token ${id} was chosen but the grammar refuses it`);
    this.state = next;
  }

  /** Every allowed token id, as a flag per id. */
  allowedMask(size: number): Uint8Array {
    const ok = new Uint8Array(size);
    const { sorted, lcp, bytes } = this.vocab;
    const states: ByteState[] = [this.state];
    let valid = 0;
    for (let i = 0; i < sorted.length; ) {
      const id = sorted[i]!;
      const b = bytes[id]!;
      let j = Math.min(lcp[i]!, valid);
      let dead = -1;
      for (; j < b.length; j++) {
        const s = this.step(states[j]!, b[j]!);
        if (!s) {
          dead = j;
          break;
        }
        states[j + 1] = s;
      }
      if (dead < 0) {
        ok[id] = 1;
        valid = b.length;
        i++;
        continue;
      }
      valid = dead;
      i++;
      while (i < sorted.length && lcp[i]! > dead) i++;
    }
    if (this.complete) for (const e of this.vocab.eog) ok[e] = 1;
    return ok;
  }

  mask(logits: Float32Array): void {
    const ok = this.allowedMask(logits.length);
    for (let i = 0; i < logits.length; i++) if (!ok[i]) logits[i] = -Infinity;
  }
}
