/**
 * The tokenizer of a GGUF model, built from its metadata: SentencePiece BPE with byte fallback
 * ("llama"), byte-level BPE with a named pre-tokenizer ("gpt2") or WordPiece ("bert").
 *
 *   const tok = Tokenizer.fromGguf(await openGguf(url));
 *   tok.encode('Hello', { addSpecial: true });   // BOS (and EOS/SEP where the model adds them) included
 *   tok.decode(ids);                            // special tokens render as nothing unless { special: true }
 *   tok.applyChatTemplate([{ role: 'user', content: 'Hi' }]);
 *
 * `addSpecial` and `parseSpecial` are off by default, as in llama.cpp's tokenizer tests: with
 * parseSpecial off, text such as "<s>" is tokenized as text (user-defined tokens still match).
 */
import { KilnError } from '../../engine/errors.js';
import type { GgufFile, GgufMetadata } from '../../formats/gguf/index.js';
import { renderChatTemplate, type ChatMessage, type ChatTemplateOptions } from '../chat-template.js';
import { BpeEncoder } from './bpe.js';
import { cleanSpaces, decodeBytes, checkId, isSpecialType, pieceBytes } from './decode.js';
import { SpecialMatcher } from './special.js';
import { spmEncode } from './spm.js';
import { loadVocab, TOKEN_TYPE, type SpecialIds, type TokenizerModel, type Vocab } from './vocab.js';
import { wpmEncode } from './wpm.js';

export interface EncodeOptions {
  /** Add BOS/EOS (CLS/SEP for BERT) as the model says (default false). */
  addSpecial?: boolean;
  /** Turn control-token text such as "<|im_end|>" into its token (default false). */
  parseSpecial?: boolean;
}

export interface DecodeOptions {
  /** Render control and unknown tokens as their text (default false: they render as nothing). */
  special?: boolean;
  /** Apply llama.cpp's clean_spaces where the vocabulary asks for it (default false: lossless). */
  cleanSpaces?: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
/** Lone surrogates → U+FFFD, as UTF-8 encoding would make them. */
const wellFormed = (s: string): string => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

export class Tokenizer {
  private readonly matcher: SpecialMatcher;
  private readonly bpe?: BpeEncoder;

  constructor(readonly vocab: Vocab, private readonly meta?: GgufMetadata) {
    this.matcher = new SpecialMatcher(vocab);
    if (vocab.model === 'gpt2') this.bpe = new BpeEncoder(vocab);
  }

  /** From a GgufFile (or its metadata). */
  static fromGguf(src: GgufFile | GgufMetadata): Tokenizer {
    const meta = 'metadata' in src ? src.metadata : src;
    return new Tokenizer(loadVocab(meta), meta);
  }

  get model(): TokenizerModel {
    return this.vocab.model;
  }

  /** Number of tokens. */
  get size(): number {
    return this.vocab.tokens.length;
  }

  get special(): Readonly<SpecialIds> {
    return this.vocab.special;
  }

  get bos(): number | undefined { return this.vocab.special.bos; }
  get eos(): number | undefined { return this.vocab.special.eos; }
  get eot(): number | undefined { return this.vocab.special.eot; }

  /** True for tokens that end generation (EOS, EOT, EOM, end-of-turn tokens). */
  isEog(id: number): boolean {
    return this.vocab.eog.has(id);
  }

  isControl(id: number): boolean {
    return this.vocab.types[id] === TOKEN_TYPE.CONTROL;
  }

  /** The token's text as stored in the vocabulary. */
  tokenText(id: number): string {
    checkId(this.vocab, id);
    return this.vocab.tokens[id]!;
  }

  /** The id of a token text, if it is one. */
  tokenId(text: string): number | undefined {
    return this.vocab.tokenToId.get(text);
  }

  encode(text: string, opts: EncodeOptions = {}): number[] {
    const v = this.vocab;
    const out: number[] = [];
    const addSpecial = opts.addSpecial ?? false;
    if (addSpecial && v.addBos) out.push(this.need('bos'));
    let prevSpecial = true;
    for (const f of this.matcher.partition(wellFormed(text), opts.parseSpecial ?? false)) {
      if (typeof f === 'number') {
        out.push(f);
        prevSpecial = true;
        continue;
      }
      if (v.model === 'llama') {
        const t = v.addSpacePrefix && prevSpecial ? ` ${f}` : f;
        spmEncode(v, t.replaceAll(' ', '\u2581'), out);
      } else if (v.model === 'gpt2') this.bpe!.encode(f, out);
      else wpmEncode(v, f, out);
      prevSpecial = false;
    }
    if (addSpecial) {
      if (v.model === 'bert') {
        if (v.addSep) out.push(v.special.sep ?? this.need('eos'));
      } else {
        if (v.addEos) out.push(this.need('eos'));
        if (v.addSep && v.special.sep !== undefined) out.push(v.special.sep);
      }
    }
    return out;
  }

  private need(which: 'bos' | 'eos'): number {
    const id = this.vocab.special[which];
    if (id === undefined) throw new KilnError('E_MODEL_INVALID', `the vocabulary adds a ${which.toUpperCase()} token but names none`, { key: `tokenizer.ggml.${which}_token_id` });
    return id;
  }

  decode(ids: readonly number[], opts: DecodeOptions = {}): string {
    const s = utf8.decode(decodeBytes(this.vocab, ids, opts.special ?? false));
    return opts.cleanSpaces && this.vocab.cleanSpaces ? cleanSpaces(s) : s;
  }

  /** The bytes one token stands for (a piece of a UTF-8 sequence, for byte tokens). */
  tokenBytes(id: number, special = false): Uint8Array {
    const out: number[] = [];
    pieceBytes(this.vocab, id, special, out);
    return Uint8Array.from(out);
  }

  /** One token's text, as llama.cpp's token_to_piece gives it (no leading-space removal). */
  tokenToPiece(id: number, special = false): string {
    return utf8.decode(this.tokenBytes(id, special));
  }

  /** A decoder for streamed generation: feed ids one at a time, get text as soon as it is whole UTF-8. */
  streamDecoder(opts: { special?: boolean } = {}): (id: number) => string {
    const dec = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
    const strip = this.vocab.model !== 'gpt2';
    let atStart = true;
    return (id: number) => {
      const bytes = this.tokenBytes(id, opts.special ?? false);
      if (isSpecialType(this.vocab.types[id])) atStart = true;
      else if (bytes.length > 0) {
        const drop = strip && atStart && bytes[0] === 0x20 && (this.vocab.addSpacePrefix || this.vocab.model === 'bert');
        atStart = false;
        return dec.decode(drop ? bytes.subarray(1) : bytes, { stream: true });
      }
      return dec.decode(bytes, { stream: true });
    };
  }

  /** The model's chat template (`tokenizer.chat_template`, or `tokenizer.chat_template.<name>`). */
  chatTemplate(name?: string): string | undefined {
    return this.meta?.optString(name ? `tokenizer.chat_template.${name}` : 'tokenizer.chat_template');
  }

  /** Renders messages with the model's chat template (or `opts.template`). */
  applyChatTemplate(messages: readonly ChatMessage[], opts: ChatTemplateOptions & { template?: string; name?: string } = {}): string {
    const key = opts.name ? `tokenizer.chat_template.${opts.name}` : 'tokenizer.chat_template';
    const source = opts.template ?? this.chatTemplate(opts.name);
    if (source === undefined) throw new KilnError('E_MODEL_INVALID', `the model has no '${key}'; pass { template }`, { key });
    const tok = (id: number | undefined) => (id === undefined ? '' : this.vocab.tokens[id]!);
    return renderChatTemplate(source, messages, { bosToken: tok(this.bos), eosToken: tok(this.eos), ...opts }, opts.template ? 'chat template' : key);
  }
}
