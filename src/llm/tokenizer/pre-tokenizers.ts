/**
 * Pre-tokenizers of byte-level BPE vocabularies, keyed by `tokenizer.ggml.pre`. Each is a list of
 * regexes applied in turn: every regex splits every piece so far into its matches and the text between
 * them (both kept, as Hugging Face's "isolated" Split does). The patterns are the ones the models'
 * tokenizer.json files define (as llama.cpp's llama-vocab.cpp lists them), written for JS RegExp with the
 * `u` flag: `\s` and `\S` are rewritten to the Unicode White_Space property, which is what Rust's and
 * Oniguruma's `\s` mean (JS's own `\s` adds U+FEFF and lacks U+0085).
 */
import { KilnError } from '../../engine/errors.js';

export interface PreTokenizer {
  readonly names: readonly string[];
  readonly regexes: readonly string[];
  /** A word that is itself a token skips the merges (Llama 3 style). */
  readonly ignoreMerges?: boolean;
  /** Overrides the model's add_bos default. */
  readonly addBos?: boolean;
  /** llama.cpp's clean_spaces (Hugging Face clean_up_tokenization_spaces); true unless set false. */
  readonly cleanSpaces?: boolean;
}

const GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
const LLAMA3 = `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;
const QWEN2 = `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;
const UPPER = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
const LOWER = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';
const TEKKEN = `[^\\r\\n\\p{L}\\p{N}]?${UPPER}*${LOWER}+|[^\\r\\n\\p{L}\\p{N}]?${UPPER}+${LOWER}*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;
const GPT4O = `[^\\r\\n\\p{L}\\p{N}]?${UPPER}*${LOWER}+${CONTRACTIONS}?|[^\\r\\n\\p{L}\\p{N}]?${UPPER}+${LOWER}*${CONTRACTIONS}?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;
const DEEPSEEK3 = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
/** DeepSeek LLM's letter class (Unicode cased letters), as code points: a stored copy may be NFC-normalized. */
const DEEPSEEK_LETTERS = '\\u{41}-\\u{5A}\\u{61}-\\u{7A}\\u{B5}\\u{C0}-\\u{D6}\\u{D8}-\\u{F6}\\u{F8}-\\u{1BA}\\u{1BC}-\\u{1BF}\\u{1C4}-\\u{293}\\u{295}-\\u{2AF}\\u{370}-\\u{373}\\u{376}\\u{377}\\u{37B}-\\u{37D}\\u{37F}\\u{386}\\u{388}-\\u{38A}\\u{38C}\\u{38E}-\\u{3A1}\\u{3A3}-\\u{3F5}\\u{3F7}-\\u{481}\\u{48A}-\\u{52F}\\u{531}-\\u{556}\\u{10A0}-\\u{10C5}\\u{13A0}-\\u{13F5}\\u{13F8}-\\u{13FD}\\u{1C90}-\\u{1CBA}\\u{1CBD}-\\u{1CBF}\\u{1D00}-\\u{1D2B}\\u{1D6B}-\\u{1D77}\\u{1D79}-\\u{1D9A}\\u{1E00}-\\u{1F15}\\u{1F18}-\\u{1F1D}\\u{1F20}-\\u{1F45}\\u{1F48}-\\u{1F4D}\\u{1F50}-\\u{1F57}\\u{1F59}\\u{1F5B}\\u{1F5D}\\u{1F5F}-\\u{1F7D}\\u{1F80}-\\u{1FB4}\\u{1FB6}-\\u{1FBC}\\u{1FBE}\\u{1FC2}-\\u{1FC4}\\u{1FC6}-\\u{1FCC}\\u{1FD0}-\\u{1FD3}\\u{1FD6}-\\u{1FDB}\\u{1FE0}-\\u{1FEC}\\u{1FF2}-\\u{1FF4}\\u{1FF6}-\\u{1FFC}\\u{2102}\\u{2107}\\u{210A}-\\u{2113}\\u{2115}\\u{2119}-\\u{211D}\\u{2124}\\u{2126}\\u{2128}\\u{212A}-\\u{212D}\\u{212F}-\\u{2134}\\u{2139}\\u{213C}-\\u{213F}\\u{2145}-\\u{2149}\\u{214E}\\u{2183}\\u{2184}\\u{2C00}-\\u{2C7B}\\u{2C7E}-\\u{2CE4}\\u{2CEB}-\\u{2CEE}\\u{2CF2}\\u{2CF3}\\u{A640}-\\u{A66D}\\u{A680}-\\u{A69B}\\u{A722}-\\u{A76F}\\u{A771}-\\u{A787}\\u{A78B}-\\u{A78E}\\u{AB70}-\\u{ABBF}\\u{FB00}-\\u{FB06}\\u{FB13}-\\u{FB17}\\u{FF21}-\\u{FF3A}\\u{FF41}-\\u{FF5A}\\u{10400}-\\u{1044F}\\u{104B0}-\\u{104D3}\\u{104D8}-\\u{104FB}\\u{10C80}-\\u{10CB2}\\u{10CC0}-\\u{10CF2}\\u{118A0}-\\u{118DF}\\u{1E900}-\\u{1E943}';
const PORO = ' ?[^(\\s|.,!?…。，、।۔،)]+';

export const PRE_TOKENIZERS: readonly PreTokenizer[] = [
  // No tokenizer.ggml.pre (older conversions, e.g. GPT-NeoX) or "default".
  { names: ['', 'default'], regexes: ['[\\p{P}\\$\\+<=>\\^~\\|]+', GPT2, '\\p{N}+', '[0-9][0-9][0-9]'] },
  {
    names: ['gpt-2', 'phi-2', 'jina-es', 'jina-de', 'gigachat', 'jina-v2-es', 'jina-v2-de', 'a.x-4.0', 'mellum', 'modern-bert', 'mpt', 'olmo', 'jais', 'exaone4', 'jina-v1-en', 'jina-v2-code', 'roberta-bpe'],
    regexes: [GPT2],
  },
  { names: ['trillion', 'granite-docling'], regexes: [GPT2], cleanSpaces: false },
  { names: ['falcon'], regexes: ['[\\p{P}\\$\\+<=>\\^~\\|`]+', GPT2, '[0-9][0-9][0-9]'] },
  { names: ['starcoder', 'refact', 'codeshell', 'exaone', 'minerva-7b', 'mellum2'], regexes: ['\\p{N}', GPT2] },
  { names: ['command-r', 'smollm'], regexes: ['\\p{N}', GPT2], cleanSpaces: false },
  { names: ['llama3', 'llama-v3', 'llama-bpe', 'falcon3', 'falcon-h1', 'pixtral', 'midm-2.0', 'lfm2', 'jina-v5-nano'], regexes: [LLAMA3], ignoreMerges: true, addBos: true },
  { names: ['dbrx', 'smaug-bpe'], regexes: [LLAMA3] },
  { names: ['glm4', 'chatglm-bpe'], regexes: [LLAMA3] },
  { names: ['qwen2', 'deepseek-r1-qwen', 'kormo', 'f2llmv2', 'hunyuan', 'solar-open', 'grok-2'], regexes: [QWEN2], cleanSpaces: false },
  { names: ['stablelm2', 'megrez'], regexes: [QWEN2] },
  { names: ['deepseek-llm'], regexes: ['[\\r\\n]', `\\s?[${DEEPSEEK_LETTERS}]+`, '\\s?[!-/:-~！-／：-～‘-‟　-。]+', '\\s+$', '[一-龥ࠀ-一가-퟿]+', '\\p{N}+'], cleanSpaces: false },
  { names: ['deepseek-coder'], regexes: ['[\\r\\n]', '\\s?\\p{L}+', '\\s?\\p{P}+', '[一-龥ࠀ-一가-퟿]+', '\\p{N}'], cleanSpaces: false },
  { names: ['deepseek-v3', 'hunyuan-dense', 'joyai-llm', 'hy_v4'], regexes: ['\\p{N}{1,3}', '[一-龥぀-ゟ゠-ヿ]+', DEEPSEEK3], cleanSpaces: false },
  { names: ['poro-chat'], regexes: [PORO], cleanSpaces: false },
  { names: ['bloom', 'gpt3-finnish'], regexes: [PORO] },
  { names: ['viking'], regexes: [PORO, '\\p{N}'], cleanSpaces: false },
  { names: ['tekken'], regexes: [TEKKEN], ignoreMerges: true, addBos: true, cleanSpaces: false },
  { names: ['gpt-4o', 'llama4', 'kanana2', 'talkie', 'minimax-m2'], regexes: [GPT4O], cleanSpaces: false },
  {
    names: ['chameleon'],
    regexes: ['<sentinel:[0-9]+>', '(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z', '([\\t\\n]|    |  )', '\\p{N}', '[\\p{P}!-/:-@\\[-`{-~]', GPT2],
    addBos: true,
    cleanSpaces: false,
  },
  { names: ['bailingmoe', 'bailingmoe2', 'llada-moe'], regexes: ["'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"], cleanSpaces: false },
  { names: ['seed-coder'], regexes: [`${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`], cleanSpaces: false },
  { names: ['superbpe'], regexes: ['\\p{N}+', '(?=(\\d{3})+(?!\\d))'], cleanSpaces: false },
];

const byName = new Map<string, PreTokenizer>();
for (const p of PRE_TOKENIZERS) for (const n of p.names) byName.set(n, p);

/** The pre-tokenizer a `tokenizer.ggml.pre` value names ('' when the key is missing). */
export function preTokenizerFor(pre: string): PreTokenizer {
  const p = byName.get(pre);
  if (!p) {
    throw new KilnError('E_TYPE_UNSUPPORTED', `GGUF metadata 'tokenizer.ggml.pre' = '${pre}' names a pre-tokenizer Kiln does not know (known: ${[...byName.keys()].filter(Boolean).join(', ')})`, { key: 'tokenizer.ggml.pre' });
  }
  return p;
}

/** Rewrites `\s`/`\S` (outside and inside classes) to the White_Space property. */
export function toJsPattern(src: string): string {
  return src.replace(/\\\\|\\s|\\S/g, (m) => (m === '\\s' ? '\\p{White_Space}' : m === '\\S' ? '\\P{White_Space}' : m));
}

const compiled = new Map<string, RegExp>();
function compile(src: string): RegExp {
  let re = compiled.get(src);
  if (!re) {
    re = new RegExp(toJsPattern(src), 'gu');
    compiled.set(src, re);
  }
  return re;
}

/** Splits `text` into words by the regex list (matches and the gaps between them, in order). */
export function preTokenize(text: string, regexes: readonly string[]): string[] {
  let pieces = [text];
  for (const src of regexes) {
    const re = compile(src);
    const next: string[] = [];
    for (const piece of pieces) {
      let last = 0;
      re.lastIndex = 0;
      for (let m = re.exec(piece); m !== null; m = re.exec(piece)) {
        if (m.index > last) next.push(piece.slice(last, m.index));
        if (m[0].length > 0) next.push(m[0]);
        else re.lastIndex += piece.codePointAt(re.lastIndex)! > 0xffff ? 2 : 1;
        last = m.index + m[0].length;
      }
      if (last < piece.length) next.push(piece.slice(last));
    }
    pieces = next;
  }
  return pieces;
}
