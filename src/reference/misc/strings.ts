/** Reference kernels: StringNormalizer, StringConcat, StringSplit, RegexFullMatch, TfIdfVectorizer. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { elementsOf, fromNumbers, int64Tensor } from '../../engine/elements.js';
import { gramKey, stringOps as ops } from '../../engine/ops/misc/strings.js';
import { Tensor } from '../../engine/tensor.js';
import { broadcastIndex } from '../broadcast.js';
import { asTensor } from '../sequence/tensors.js';
import { compileRe2FullMatch } from './regex.js';

/** ONNX locales look like en_US; JavaScript wants en-US. Unknown locales fall back to the default. */
function caseFn(upper: boolean, locale: string | undefined): (s: string) => string {
  const tag = locale?.replace(/_/g, '-');
  try {
    if (tag) 'a'.toLocaleLowerCase(tag);
  } catch {
    return upper ? (s) => s.toUpperCase() : (s) => s.toLowerCase();
  }
  return upper ? (s) => s.toLocaleUpperCase(tag) : (s) => s.toLocaleLowerCase(tag);
}

const isSpace = (c: string): boolean => /\s/u.test(c);

/** Python's str.split() with no separator: runs of whitespace, ends trimmed. */
function splitWhitespace(s: string, max: number | undefined): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i]!)) i++;
    if (i >= s.length) break;
    if (max !== undefined && out.length === max) { out.push(s.slice(i)); break; }
    let j = i;
    while (j < s.length && !isSpace(s[j]!)) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

/** Python's str.split(sep, maxsplit). */
function splitOn(s: string, sep: string, max: number | undefined): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const j = max !== undefined && out.length === max ? -1 : s.indexOf(sep, i);
    if (j < 0) { out.push(s.slice(i)); break; }
    out.push(s.slice(i, j));
    i = j + sep.length;
  }
  return out;
}

export const stringKernels: KernelMap = {
  StringNormalizer: kernel(ops.StringNormalizer, (inputs, p) => {
    const x = asTensor(inputs[0], 'X');
    const lower = caseFn(false, p.locale);
    const fold = p.caseSensitive ? (s: string) => s : lower;
    const stop = new Set(p.stopwords.map(fold));
    let kept = (x.data as string[]).filter((s) => !stop.has(fold(s)));
    if (p.caseChange !== 'NONE') kept = kept.map(caseFn(p.caseChange === 'UPPER', p.locale));
    if (kept.length === 0) kept = [''];
    return [new Tensor('string', kept, x.dims.length === 1 ? [kept.length] : [1, kept.length])];
  }),

  StringConcat: kernel(ops.StringConcat, (inputs, p) => {
    const a = asTensor(inputs[0], 'X');
    const b = asTensor(inputs[1], 'Y');
    const ia = broadcastIndex(a.dims, p.outDims);
    const ib = broadcastIndex(b.dims, p.outDims);
    const x = a.data as string[];
    const y = b.data as string[];
    return [new Tensor('string', Array.from(ia, (k, j) => x[k]! + y[ib[j]!]!), p.outDims)];
  }),

  StringSplit: kernel(ops.StringSplit, (inputs, p) => {
    const x = asTensor(inputs[0], 'X');
    const parts = (x.data as string[]).map((s) => (p.delimiter === '' ? splitWhitespace(s, p.maxsplit) : splitOn(s, p.delimiter, p.maxsplit)));
    const width = parts.reduce((m, q) => Math.max(m, q.length), 0);
    const out = new Array<string>(parts.length * width).fill('');
    parts.forEach((q, i) => q.forEach((s, k) => { out[i * width + k] = s; }));
    return [new Tensor('string', out, [...x.dims, width]), int64Tensor(parts.map((q) => q.length), x.dims)];
  }),

  RegexFullMatch: kernel(ops.RegexFullMatch, (inputs, p) => {
    const x = asTensor(inputs[0], 'X');
    const re = compileRe2FullMatch(p.pattern);
    return [new Tensor('bool', Uint8Array.from(x.data as string[], (s) => (re.test(s) ? 1 : 0)), x.dims)];
  }),

  TfIdfVectorizer: kernel(ops.TfIdfVectorizer, (inputs, p) => {
    const x = asTensor(inputs[0], 'X');
    const items = Array.from(elementsOf(x) as ArrayLike<string | number | bigint>, String);
    const index = new Map<string, number>();
    p.grams.forEach((g, k) => index.set(g.key, k));
    const out = new Float64Array(p.rows * p.outSize);
    const counts = new Float64Array(p.grams.length);
    for (let r = 0; r < p.rows; r++) {
      counts.fill(0);
      const row = items.slice(r * p.cols, (r + 1) * p.cols);
      for (let n = p.minGram; n <= p.maxGram; n++) {
        // Unigrams have no gaps to skip, so they are counted once.
        for (let skip = 0; skip <= (n === 1 ? 0 : p.maxSkip); skip++) {
          const step = skip + 1;
          for (let i = 0; i + (n - 1) * step < row.length; i++) {
            const k = index.get(gramKey(Array.from({ length: n }, (_, t) => row[i + t * step]!)));
            if (k !== undefined) counts[k]!++;
          }
        }
      }
      p.grams.forEach((g, k) => {
        const c = counts[k]!;
        const v = p.mode === 'TF' ? c : p.mode === 'IDF' ? (c > 0 ? g.weight : 0) : c * g.weight;
        out[r * p.outSize + g.slot] = out[r * p.outSize + g.slot]! + v;
      });
    }
    return [fromNumbers('float32', out, p.batched ? [p.rows, p.outSize] : [p.outSize])];
  }),
};
