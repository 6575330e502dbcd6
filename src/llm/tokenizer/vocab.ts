/**
 * The vocabulary of a GGUF model, read from its `tokenizer.ggml.*` metadata: token strings, types and
 * scores, BPE merges, the special token ids and the flags that steer encoding. Defaults and the special
 * token auto-detection follow llama.cpp, which defines how GGUF vocabularies behave.
 */
import { KilnError } from '../../engine/errors.js';
import type { GgufMetadata } from '../../formats/gguf/index.js';
import { preTokenizerFor, type PreTokenizer } from './pre-tokenizers.js';

export type TokenizerModel = 'llama' | 'gpt2' | 'bert';

/** GGUF token types (tokenizer.ggml.token_type). */
export const TOKEN_TYPE = { UNDEFINED: 0, NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

export interface SpecialIds {
  bos?: number;
  eos?: number;
  eot?: number;
  eom?: number;
  unk?: number;
  sep?: number;
  pad?: number;
  mask?: number;
  fimPre?: number;
  fimSuf?: number;
  fimMid?: number;
  fimPad?: number;
  fimRep?: number;
  fimSep?: number;
}

export interface Vocab {
  readonly model: TokenizerModel;
  /** tokenizer.ggml.pre ('' when absent). */
  readonly pre: string;
  readonly tokens: readonly string[];
  readonly types: Uint8Array;
  readonly scores: Float32Array;
  readonly tokenToId: ReadonlyMap<string, number>;
  /** BPE merge ranks: ranks.get(left).get(right). */
  readonly ranks: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly special: SpecialIds;
  /** Token ids that end generation (EOS, EOT, EOM and the usual end-of-turn texts). */
  readonly eog: ReadonlySet<number>;
  readonly addBos: boolean;
  readonly addEos: boolean;
  readonly addSep: boolean;
  readonly addSpacePrefix: boolean;
  readonly cleanSpaces: boolean;
  readonly preTokenizer?: PreTokenizer;
  /** WordPiece normalization. */
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  /** Longest token, in code points. */
  readonly maxTokenChars: number;
}

const K = (k: string) => `tokenizer.ggml.${k}`;
const MODELS: readonly TokenizerModel[] = ['llama', 'gpt2', 'bert'];

const DEFAULT_IDS: Record<TokenizerModel, SpecialIds> = {
  llama: { bos: 1, eos: 2, unk: 0 },
  bert: { bos: 101, unk: 100, sep: 102, pad: 0, mask: 103 },
  gpt2: { bos: 11, eos: 11 },
};

/** Metadata keys of the special ids; later keys in a row are older spellings. */
const ID_KEYS: [keyof SpecialIds, string[]][] = [
  ['bos', ['bos_token_id', 'cls_token_id']], ['eos', ['eos_token_id']], ['eot', ['eot_token_id']], ['eom', ['eom_token_id']],
  ['unk', ['unknown_token_id']], ['sep', ['seperator_token_id', 'separator_token_id']], ['pad', ['padding_token_id']],
  ['mask', ['mask_token_id']], ['fimPre', ['fim_pre_token_id', 'prefix_token_id']], ['fimSuf', ['fim_suf_token_id', 'suffix_token_id']],
  ['fimMid', ['fim_mid_token_id', 'middle_token_id']], ['fimPad', ['fim_pad_token_id']], ['fimRep', ['fim_rep_token_id']], ['fimSep', ['fim_sep_token_id']],
];

const EOT_TEXTS = ['<|eot_id|>', '<|im_end|>', '<|end|>', '<end_of_turn>', '<|endoftext|>', '<|end_of_text|>', '<EOT>', '_<EOT>', '<｜end▁of▁sentence｜>', '<end_of_utterance>'];
const EOG_TEXTS = new Set([...EOT_TEXTS, '<|eom_id|>', '<|return|>', '<|call|>', '<eos>']);

export function loadVocab(meta: GgufMetadata): Vocab {
  const modelName = meta.optString(K('model'));
  if (modelName === undefined) throw new KilnError('E_MODEL_INVALID', `GGUF metadata has no '${K('model')}': the file carries no tokenizer`, { key: K('model') });
  if (!(MODELS as readonly string[]).includes(modelName)) {
    throw new KilnError('E_TYPE_UNSUPPORTED', `GGUF metadata '${K('model')}' = '${modelName}': Kiln's tokenizers are ${MODELS.join(', ')}`, { key: K('model') });
  }
  const model = modelName as TokenizerModel;
  const pre = meta.optString(K('pre')) ?? '';
  const tokens = meta.optStrings(K('tokens'));
  if (!tokens) throw new KilnError('E_MODEL_INVALID', `GGUF metadata '${K('tokens')}' (an array of strings) is missing`, { key: K('tokens') });
  const n = tokens.length;
  const types = readTypes(meta, n);
  const scores = readScores(meta, n);

  const tokenToId = new Map<string, number>();
  let maxTokenChars = 0;
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    if (t === '') continue;
    const prev = tokenToId.get(t);
    if (prev !== undefined) throw new KilnError('E_MODEL_INVALID', `duplicate token ${JSON.stringify(t)} in '${K('tokens')}' (ids ${prev} and ${i})`, { key: K('tokens') });
    tokenToId.set(t, i);
    let chars = 0;
    for (const _ of t) chars++;
    if (chars > maxTokenChars) maxTokenChars = chars;
  }

  const preTokenizer = model === 'gpt2' ? preTokenizerFor(pre) : undefined;
  const special: SpecialIds = {};
  for (const [name, keys] of ID_KEYS) {
    const def = DEFAULT_IDS[model][name];
    if (def !== undefined && def < n) special[name] = def;
    for (const k of keys) {
      const v = meta.optInteger(K(k));
      if (v === undefined) continue;
      if (v >= 0 && v < n) special[name] = v; // out-of-range ids (e.g. 0xFFFFFFFF for "none") keep the default
      break;
    }
  }
  if (model === 'gpt2' && (pre === 'glm4' || pre === 'chatglm-bpe') && meta.optInteger(K('bos_token_id')) === undefined) delete special.bos;

  const eog = detectSpecial(tokenToId, types, special);
  const addBos = meta.optBool(K('add_bos_token')) ?? (model === 'gpt2' ? (preTokenizer?.addBos ?? false) : true);
  const addEos = meta.optBool(K('add_eos_token')) ?? false;
  const addSep = meta.optBool(K('add_sep_token')) ?? model === 'bert';
  const addSpacePrefix = meta.optBool(K('add_space_prefix')) ?? model === 'llama';
  const lowercase = meta.optBool(K('normalizer.lowercase')) ?? true;
  const stripAccents = meta.optBool(K('normalizer.strip_accents')) ?? lowercase;
  const cleanSpaces = model === 'llama' ? false : model === 'bert' ? true : (preTokenizer?.cleanSpaces ?? true);
  for (const [flag, id] of [['add_bos_token', special.bos], ['add_eos_token', special.eos]] as const) {
    if ((flag === 'add_bos_token' ? addBos : addEos) && id === undefined) {
      throw new KilnError('E_MODEL_INVALID', `'${K(flag)}' is true but the vocabulary has no such token id`, { key: K(flag) });
    }
  }
  return {
    model, pre, tokens, types, scores, tokenToId, ranks: model === 'gpt2' ? readMerges(meta) : new Map(), special, eog,
    addBos, addEos, addSep, addSpacePrefix, cleanSpaces, preTokenizer, lowercase, stripAccents, maxTokenChars,
  };
}

function readTypes(meta: GgufMetadata, n: number): Uint8Array {
  const types = new Uint8Array(n).fill(TOKEN_TYPE.NORMAL);
  const arr = meta.optArray(K('token_type'), 'int32');
  if (!arr) return types;
  const src = arr.items as Int32Array;
  if (src.length < n) throw new KilnError('E_MODEL_INVALID', `'${K('token_type')}' has ${src.length} entries for ${n} tokens`, { key: K('token_type') });
  for (let i = 0; i < n; i++) types[i] = src[i]! >= 1 && src[i]! <= 6 ? src[i]! : TOKEN_TYPE.UNDEFINED;
  return types;
}

function readScores(meta: GgufMetadata, n: number): Float32Array {
  const arr = meta.optArray(K('scores'), ['float32', 'int32']);
  if (!arr) return new Float32Array(n);
  const src = arr.items as Float32Array | Int32Array;
  if (src.length < n) throw new KilnError('E_MODEL_INVALID', `'${K('scores')}' has ${src.length} entries for ${n} tokens`, { key: K('scores') });
  return Float32Array.from(src.subarray(0, n));
}

function readMerges(meta: GgufMetadata): Map<string, Map<string, number>> {
  const merges = meta.optStrings(K('merges'));
  if (!merges) throw new KilnError('E_MODEL_INVALID', `a 'gpt2' tokenizer needs '${K('merges')}' (an array of strings)`, { key: K('merges') });
  const ranks = new Map<string, Map<string, number>>();
  merges.forEach((m, rank) => {
    const at = m.indexOf(' ', 1);
    if (at < 0) return; // llama.cpp ranks such a line as the pair ("", ""): it can never apply
    const left = m.slice(0, at);
    let row = ranks.get(left);
    if (!row) ranks.set(left, (row = new Map()));
    const right = m.slice(at + 1);
    if (!row.has(right)) row.set(right, rank);
  });
  return ranks;
}

/** Finds EOT/EOM by their usual texts when the metadata names none, and collects the EOG set. */
function detectSpecial(tokenToId: ReadonlyMap<string, number>, types: Uint8Array, special: SpecialIds): Set<number> {
  const markControl = (id: number) => {
    if (types[id] === TOKEN_TYPE.NORMAL || types[id] === TOKEN_TYPE.UNDEFINED) types[id] = TOKEN_TYPE.CONTROL;
  };
  if (special.eot === undefined) {
    for (const t of EOT_TEXTS) {
      const id = tokenToId.get(t);
      if (id !== undefined) { special.eot = id; markControl(id); break; }
    }
  }
  if (special.eom === undefined) {
    const id = tokenToId.get('<|eom_id|>');
    if (id !== undefined) { special.eom = id; markControl(id); }
  }
  const eog = new Set<number>();
  for (const t of EOG_TEXTS) {
    const id = tokenToId.get(t);
    if (id !== undefined) { eog.add(id); markControl(id); }
  }
  for (const id of [special.eos, special.eot, special.eom, special.fimPad, special.fimRep, special.fimSep]) if (id !== undefined) eog.add(id);
  return eog;
}
