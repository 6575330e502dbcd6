/**
 * Byte-level BPE (tokenizer.ggml.model = "gpt2"), as llama.cpp and Hugging Face run it: the
 * pre-tokenizer cuts the text into words; each word's UTF-8 bytes become byte-level characters; the
 * adjacent pair with the lowest merge rank is merged (leftmost on ties) until no ranked pair remains;
 * each piece becomes its token, or its bytes' tokens when it is not in the vocabulary.
 */
import { byteEncode } from './byte-level.js';
import { Heap } from './heap.js';
import { preTokenize } from './pre-tokenizers.js';
import type { Vocab } from './vocab.js';

interface Sym { start: number; end: number; prev: number; next: number }
interface Bigram { left: number; right: number; rank: number; size: number }

const CACHE_LIMIT = 20000;

export class BpeEncoder {
  private readonly cache = new Map<string, number[]>();

  constructor(private readonly vocab: Vocab) {}

  encode(text: string, out: number[]): void {
    for (const word of preTokenize(text, this.vocab.preTokenizer!.regexes)) {
      let ids = this.cache.get(word);
      if (!ids) {
        ids = this.encodeWord(byteEncode(word));
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(word, ids);
      }
      for (const id of ids) out.push(id);
    }
  }

  /** BPE on one byte-encoded word (every character is one byte, one UTF-16 unit). */
  private encodeWord(word: string): number[] {
    const v = this.vocab;
    if (v.preTokenizer!.ignoreMerges) {
      const id = v.tokenToId.get(word);
      if (id !== undefined) return [id];
    }
    const n = word.length;
    const syms: Sym[] = [];
    for (let i = 0; i < n; i++) syms.push({ start: i, end: i + 1, prev: i - 1, next: i + 1 < n ? i + 1 : -1 });
    const queue = new Heap<Bigram>((a, b) => a.rank < b.rank || (a.rank === b.rank && a.left < b.left));
    const tryAdd = (left: number, right: number) => {
      if (left < 0 || right < 0) return;
      const l = syms[left]!, r = syms[right]!;
      const rank = v.ranks.get(word.slice(l.start, l.end))?.get(word.slice(r.start, r.end));
      if (rank !== undefined) queue.push({ left, right, rank, size: r.end - l.start });
    };
    for (let i = 1; i < n; i++) tryAdd(i - 1, i);
    for (let b = queue.pop(); b; b = queue.pop()) {
      const l = syms[b.left]!, r = syms[b.right]!;
      if (l.end === l.start || r.end === r.start || r.end - l.start !== b.size || l.next !== b.right) continue;
      l.end = r.end;
      r.end = r.start;
      l.next = r.next;
      if (r.next >= 0) syms[r.next]!.prev = b.left;
      tryAdd(l.prev, b.left);
      tryAdd(b.left, l.next);
    }
    const ids: number[] = [];
    for (let i = 0; i !== -1 && n > 0; i = syms[i]!.next) {
      const piece = word.slice(syms[i]!.start, syms[i]!.end);
      const id = v.tokenToId.get(piece);
      if (id !== undefined) ids.push(id);
      else for (const ch of piece) { const b = v.tokenToId.get(ch); if (b !== undefined) ids.push(b); }
    }
    return ids;
  }
}
