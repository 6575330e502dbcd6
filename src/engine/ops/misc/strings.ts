/** String ops: StringNormalizer, StringConcat, StringSplit, RegexFullMatch, and TfIdfVectorizer. */
import { freshDim, tensorType } from '../../ir/types.js';
import { broadcastShapes, concrete } from '../shape-utils.js';
import { attr, defineOp, type OpContext } from '../schema.js';

function stringInput(ctx: OpContext<unknown>, i: number, name = `input ${i}`) {
  const t = ctx.tensor(i);
  if (t.dtype !== 'string') ctx.fail(`${name} must be a string tensor, got ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
  return t;
}

export interface StringNormalizerParams {
  readonly caseChange: 'LOWER' | 'UPPER' | 'NONE';
  readonly caseSensitive: boolean;
  readonly stopwords: readonly string[];
  readonly locale: string | undefined;
}

const StringNormalizer = defineOp({
  since: 10,
  attrs: { case_change_action: attr.string('NONE'), is_case_sensitive: attr.int(0), locale: attr.string(), stopwords: attr.strings() },
  infer: (ctx) => {
    const x = stringInput(ctx, 0, 'X');
    if (!['LOWER', 'UPPER', 'NONE'].includes(ctx.attrs.case_change_action)) ctx.fail(`case_change_action must be LOWER, UPPER or NONE, got '${ctx.attrs.case_change_action}'`);
    if (!x.shape) return [tensorType('string')];
    const s = x.shape;
    if (!(s.length === 1 || (s.length === 2 && (s[0] === 1 || typeof s[0] !== 'number')))) ctx.fail(`X must be [C] or [1, C], got [${s.join(',')}]`, 'E_SHAPE_MISMATCH');
    // Stopwords leave a data-dependent count (at least 1: all-removed gives one empty string).
    const kept = ctx.attrs.stopwords?.length ? freshDim() : s[s.length - 1]!;
    return [tensorType('string', s.length === 1 ? [kept] : [1, kept])];
  },
  params: (ctx): StringNormalizerParams => ({
    caseChange: ctx.attrs.case_change_action as StringNormalizerParams['caseChange'], caseSensitive: ctx.attrs.is_case_sensitive !== 0,
    stopwords: ctx.attrs.stopwords ?? [], locale: ctx.attrs.locale,
  }),
});

export interface StringConcatParams { readonly outDims: readonly number[] }

const StringConcat = defineOp({
  since: 20,
  inputs: [2, 2],
  infer: (ctx) => {
    const a = stringInput(ctx, 0, 'X');
    const b = stringInput(ctx, 1, 'Y');
    return [tensorType('string', broadcastShapes(ctx, [a.shape, b.shape]))];
  },
  params: (ctx): StringConcatParams => ({ outDims: concrete((ctx.outputs[0] as { shape: readonly number[] }).shape) }),
});

export interface StringSplitParams { readonly delimiter: string; readonly maxsplit: number | undefined }

const StringSplit = defineOp({
  since: 20,
  attrs: { delimiter: attr.string(), maxsplit: attr.int() },
  outputs: [2, 2],
  infer: (ctx) => {
    const x = stringInput(ctx, 0, 'X');
    if (ctx.attrs.maxsplit !== undefined && ctx.attrs.maxsplit < 0) ctx.fail(`maxsplit must not be negative, got ${ctx.attrs.maxsplit}`);
    return [tensorType('string', x.shape ? [...x.shape, freshDim()] : undefined), tensorType('int64', x.shape)];
  },
  params: (ctx): StringSplitParams => ({ delimiter: ctx.attrs.delimiter ?? '', maxsplit: ctx.attrs.maxsplit }),
});

export interface RegexParams { readonly pattern: string }

const RegexFullMatch = defineOp({
  since: 20,
  attrs: { pattern: attr.string() },
  infer: (ctx) => {
    const x = stringInput(ctx, 0, 'X');
    if (ctx.attrs.pattern === undefined) ctx.fail(`the 'pattern' attribute is required`);
    return [tensorType('bool', x.shape)];
  },
  params: (ctx): RegexParams => ({ pattern: ctx.attrs.pattern! }),
});

// ---------------------------------------------------------------- TfIdfVectorizer

export interface TfIdfParams {
  readonly mode: 'TF' | 'IDF' | 'TFIDF';
  readonly minGram: number;
  readonly maxGram: number;
  readonly maxSkip: number;
  /** Pool n-grams, each as the joined key of its items, with its output slot and weight. */
  readonly grams: readonly { readonly n: number; readonly key: string; readonly slot: number; readonly weight: number }[];
  readonly outSize: number;
  /** Rows and row length of the input ([C] is one row). */
  readonly rows: number;
  readonly cols: number;
  readonly batched: boolean;
}

/** Joins n-gram items into a map key (strings escaped so no separator is ambiguous). */
export const gramKey = (items: readonly (string | number | bigint)[]): string => JSON.stringify(items.map(String));

const TfIdfVectorizer = defineOp({
  since: 9,
  attrs: {
    max_gram_length: attr.required.int(), min_gram_length: attr.required.int(), max_skip_count: attr.required.int(),
    mode: attr.required.string(), ngram_counts: attr.required.ints(), ngram_indexes: attr.required.ints(),
    pool_int64s: attr.ints(), pool_strings: attr.strings(), weights: attr.floats(),
  },
  infer: (ctx) => {
    const a = ctx.attrs;
    const x = ctx.tensor(0);
    const isStr = x.dtype === 'string';
    if (!isStr && x.dtype !== 'int32' && x.dtype !== 'int64') ctx.fail(`input must be string, int32 or int64, got ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (!['TF', 'IDF', 'TFIDF'].includes(a.mode)) ctx.fail(`mode must be TF, IDF or TFIDF, got '${a.mode}'`);
    if (!(a.min_gram_length >= 1 && a.max_gram_length >= a.min_gram_length)) ctx.fail(`gram lengths [${a.min_gram_length}, ${a.max_gram_length}] are invalid`);
    if (a.max_skip_count < 0) ctx.fail(`max_skip_count must not be negative`);
    if ((a.pool_int64s === undefined) === (a.pool_strings === undefined)) ctx.fail(`exactly one of pool_int64s and pool_strings must be given`);
    if (isStr !== (a.pool_strings !== undefined)) ctx.fail(`the pool type does not match the ${x.dtype} input`, 'E_TYPE_UNSUPPORTED');
    const outSize = a.ngram_indexes.length ? Math.max(...a.ngram_indexes) + 1 : 0;
    if (!x.shape) return [tensorType('float32')];
    if (x.shape.length !== 1 && x.shape.length !== 2) ctx.fail(`input must be [C] or [N, C], got rank ${x.shape.length}`, 'E_SHAPE_MISMATCH');
    return [tensorType('float32', x.shape.length === 1 ? [outSize] : [x.shape[0]!, outSize])];
  },
  params: (ctx): TfIdfParams => {
    const a = ctx.attrs;
    const pool: readonly (string | number)[] = a.pool_strings ?? a.pool_int64s!;
    const grams: { n: number; key: string; slot: number; weight: number }[] = [];
    for (let level = 0; level < a.ngram_counts.length; level++) {
      const n = level + 1;
      const start = a.ngram_counts[level]!;
      const end = level + 1 < a.ngram_counts.length ? a.ngram_counts[level + 1]! : pool.length;
      if (start > end || end > pool.length || (end - start) % n !== 0) ctx.fail(`ngram_counts [${a.ngram_counts.join(',')}] do not fit a pool of ${pool.length}`);
      for (let i = start; i < end; i += n) {
        const j = grams.length;
        const slot = a.ngram_indexes[j] ?? ctx.fail(`ngram_indexes has no entry for pool n-gram ${j}`);
        if (slot < 0) ctx.fail(`ngram_indexes[${j}] is negative`);
        grams.push({ n, key: gramKey(pool.slice(i, i + n)), slot, weight: a.weights?.[j] ?? 1 });
      }
    }
    const dims = concrete(ctx.shape(0));
    const batched = dims.length === 2;
    return {
      mode: a.mode as TfIdfParams['mode'], minGram: a.min_gram_length, maxGram: a.max_gram_length, maxSkip: a.max_skip_count,
      grams, outSize: a.ngram_indexes.length ? Math.max(...a.ngram_indexes) + 1 : 0,
      rows: batched ? dims[0]! : 1, cols: batched ? dims[1]! : dims[0]!, batched,
    };
  },
});

export const stringOps = { StringNormalizer, StringConcat, StringSplit, RegexFullMatch, TfIdfVectorizer };
