/** Reading llama.cpp's tokenizer test data (../shared/conformance/gguf-vocab; its README gives the format). */
import { readFileSync } from 'node:fs';
import { readGguf } from '../../src/formats/gguf/index.js';
import { Tokenizer } from '../../src/llm/index.js';

export const VOCAB_DIR = new URL('../../../shared/conformance/gguf-vocab/', import.meta.url).pathname;
export const LLM_DIR = new URL('../../../shared/models/llm/', import.meta.url).pathname;
export const PAIRED = ['llama-spm', 'gpt-2', 'falcon', 'mpt', 'starcoder', 'refact', 'bert-bge'] as const;
export const UNPAIRED = ['gpt-neox', 'baichuan'] as const;

const SEP = '\n__ggml_vocab_test__\n';

export function loadTokenizer(name: string): Tokenizer {
  return Tokenizer.fromGguf(readGguf(new Uint8Array(readFileSync(`${VOCAB_DIR}ggml-vocab-${name}.gguf`)), `ggml-vocab-${name}.gguf`));
}

/** The 46 cases of a test pair: input text (split on the separator, raw bytes as UTF-8) and expected ids. */
export function loadCases(name: string): { text: string; ids: number[] }[] {
  const inputs = readFileSync(`${VOCAB_DIR}ggml-vocab-${name}.gguf.inp`).toString('utf8').split(SEP);
  if (inputs.pop() !== '') throw new Error(`${name}.inp does not end with the separator`);
  const lines = readFileSync(`${VOCAB_DIR}ggml-vocab-${name}.gguf.out`).toString('utf8').split('\n');
  return inputs.map((text, i) => {
    const line = lines[i]!.trim();
    return { text, ids: line === '' ? [] : line.split(' ').map(Number) };
  });
}
