/**
 * SentencePiece-style BPE over scores (tokenizer.ggml.model = "llama"), as llama.cpp runs it: start
 * from single characters, repeatedly merge the adjacent pair whose concatenation is a token with the
 * highest score (leftmost on ties), then emit each remaining piece as its token, or as byte tokens
 * <0xXX> (byte fallback) when it is not one. Spaces arrive already escaped as U+2581.
 */
import { Heap } from './heap.js';
import type { Vocab } from './vocab.js';

interface Sym { start: number; end: number; prev: number; next: number }
interface Bigram { left: number; right: number; score: number; size: number }

const HEX = '0123456789ABCDEF';
const utf8 = new TextEncoder();

export function spmEncode(vocab: Vocab, text: string, out: number[]): void {
  const syms: Sym[] = [];
  for (let i = 0; i < text.length;) {
    const len = text.codePointAt(i)! > 0xffff ? 2 : 1;
    syms.push({ start: i, end: i + len, prev: syms.length - 1, next: i + len < text.length ? syms.length + 1 : -1 });
    i += len;
  }
  if (syms.length === 0) return;
  const queue = new Heap<Bigram>((a, b) => a.score > b.score || (a.score === b.score && a.left < b.left));
  const tryAdd = (left: number, right: number) => {
    if (left < 0 || right < 0) return;
    const id = vocab.tokenToId.get(text.slice(syms[left]!.start, syms[right]!.end));
    if (id === undefined) return;
    queue.push({ left, right, score: vocab.scores[id]!, size: syms[right]!.end - syms[left]!.start });
  };
  for (let i = 1; i < syms.length; i++) tryAdd(i - 1, i);
  for (let b = queue.pop(); b; b = queue.pop()) {
    const l = syms[b.left]!, r = syms[b.right]!;
    // Stale: one side was merged away, or grew since the pair was queued.
    if (l.end === l.start || r.end === r.start || r.end - l.start !== b.size || l.next !== b.right) continue;
    l.end = r.end;
    r.end = r.start;
    l.next = r.next;
    if (r.next >= 0) syms[r.next]!.prev = b.left;
    tryAdd(l.prev, b.left);
    tryAdd(b.left, l.next);
  }
  for (let i = 0; i !== -1; i = syms[i]!.next) {
    const piece = text.slice(syms[i]!.start, syms[i]!.end);
    const id = vocab.tokenToId.get(piece);
    if (id !== undefined) out.push(id);
    else for (const byte of utf8.encode(piece)) out.push(byteToken(vocab, byte));
  }
}

/** The token of one byte: <0xXX>, else the byte as a one-character token, else the unknown token. */
export function byteToken(vocab: Vocab, byte: number): number {
  return vocab.tokenToId.get(`<0x${HEX[byte >> 4]}${HEX[byte & 15]}>`) ??
    (byte < 0x80 ? vocab.tokenToId.get(String.fromCharCode(byte)) : undefined) ?? vocab.special.unk ?? 0;
}
