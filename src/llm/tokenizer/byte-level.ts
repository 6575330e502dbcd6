/**
 * GPT-2's byte-level alphabet: each of the 256 byte values is a printable character, so byte-level BPE
 * vocabularies are strings. Printable Latin-1 bytes (33–126, 161–172, 174–255) stand for themselves; the
 * other 68 bytes take the code points 256, 257, … in byte order (so a space is 'Ġ', U+0120).
 */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const out: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    out.push(String.fromCharCode(printable ? b : next++));
  }
  return out;
})();

export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

const utf8 = new TextEncoder();

/** UTF-8 bytes of `text`, each as its byte-level character. */
export function byteEncode(text: string): string {
  let s = '';
  for (const b of utf8.encode(text)) s += BYTE_TO_CHAR[b];
  return s;
}

/** Byte-level characters back to bytes; a character outside the alphabet contributes its own UTF-8. */
export function byteDecode(text: string, out: number[]): void {
  for (const ch of text) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) out.push(b);
    else for (const x of utf8.encode(ch)) out.push(x);
  }
}
