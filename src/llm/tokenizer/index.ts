export { Tokenizer, type DecodeOptions, type EncodeOptions } from './tokenizer.js';
export { loadVocab, TOKEN_TYPE, type SpecialIds, type TokenizerModel, type Vocab } from './vocab.js';
export { PRE_TOKENIZERS, preTokenize, preTokenizerFor, type PreTokenizer } from './pre-tokenizers.js';
export { BYTE_TO_CHAR, byteEncode } from './byte-level.js';
