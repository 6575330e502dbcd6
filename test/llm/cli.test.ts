/** The GGUF CLI pieces main.ts calls: `kiln inspect model.gguf` and `kiln tokenize`. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectGguf, isGgufPath } from '../../src/cli/gguf-inspect.js';
import { tokenizeCommand, tokenizeIds } from '../../src/cli/tokenize.js';
import { LLM_DIR, VOCAB_DIR } from './vocab-data.js';

const MODEL = `${LLM_DIR}stories260K.gguf`;
const run = async (...argv: string[]) => {
  let out = '';
  await tokenizeCommand(argv, (s) => (out += s));
  return out;
};

describe('kiln tokenize', () => {
  it('prints the ids space-separated on one line; add_special and parse_special only when asked', async () => {
    expect(await run(MODEL, 'Once upon a time')).toBe('403 407 261 378\n');
    expect(await run(MODEL, 'Once upon a time', '--add-special')).toBe('1 403 407 261 378\n');
    expect(await run(MODEL, '--add-special', '--', '--x')).toMatch(/^1 /);
    expect((await tokenizeIds([MODEL, '<s>'])).includes(1)).toBe(false);
    expect(await tokenizeIds([MODEL, '<s>', '--parse-special'])).toEqual([1]);
  });

  it('--file reads text with newlines byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-tok-'));
    writeFileSync(join(dir, 't.txt'), 'two  spaces\nnew line');
    expect(await run(MODEL, '--file', join(dir, 't.txt'), '--add-special')).toBe('1 259 424 414 410 262 427 412 331 419 13 416 411 424 278 271 411\n');
    expect(await tokenizeIds([`${VOCAB_DIR}ggml-vocab-gpt-2.gguf`, '--file', join(dir, 't.txt')])).toEqual([11545, 220, 9029, 198, 3605, 1627]);
  });

  it('refuses bad arguments and bad files with KilnErrors', async () => {
    await expect(run(MODEL)).rejects.toThrow(/tokenize: missing the text \(or --file\)/);
    await expect(run()).rejects.toThrow(/missing <model.gguf>/);
    await expect(run(MODEL, 'a', 'b')).rejects.toThrow(/unexpected argument 'b'/);
    await expect(run(MODEL, '--bogus', 'a')).rejects.toThrow(/unknown option '--bogus'/);
    await expect(run(MODEL, 'a', '--file', 'x')).rejects.toThrow(/not both/);
    await expect(run(MODEL, '--file', '/nonexistent/t.txt')).rejects.toThrow(/\[E_IO\] tokenize: cannot read/);
    await expect(run('/nonexistent.gguf', 'a')).rejects.toThrow(/\[E_IO\] cannot open/);
    await expect(run(`${VOCAB_DIR}README.md`, 'a')).rejects.toThrow(/\[E_MODEL_MALFORMED\] GGUF .*README.md: not a GGUF file/);
  });
});

describe('kiln inspect (GGUF)', () => {
  it('prints metadata and the tensor table', async () => {
    const text = await inspectGguf(`${LLM_DIR}stories260K-mixq.gguf`);
    expect(text).toMatch(/stories260K-mixq.gguf: GGUF v3, 48 tensors, 21 metadata keys, alignment 32/);
    expect(text).toMatch(/^ {2}general\.architecture += "llama"$/m);
    expect(text).toMatch(/^ {2}tokenizer\.ggml\.tokens += \[string × 512\] "<unk>", "<s>", "<\/s>"/m);
    expect(text).toMatch(/^ {2}llama\.attention\.layer_norm_rms_epsilon = 0\.00001 \(float32\)$/m);
    expect(text).toMatch(/^ {2}token_embd\.weight +q4_0 +\[512, 64\] +18432 +\d+$/m);
    expect(text).toMatch(/weights: 48 tensors, .*q5_0 ×28/);
  });

  it('--json gives the same as data, long arrays abbreviated', async () => {
    const j = JSON.parse(await inspectGguf(`${LLM_DIR}stories260K.gguf`, { json: true })) as {
      version: number; tensors: { name: string; shape: number[]; type: string }[]; metadata: Record<string, unknown>;
    };
    expect(j.version).toBe(3);
    expect(j.tensors.length).toBe(48);
    expect(j.tensors.find((t) => t.name === 'token_embd.weight')).toMatchObject({ shape: [512, 64], type: 'float32' });
    expect(j.metadata['tokenizer.ggml.tokens']).toMatchObject({ array: 'string', length: 512 });
    expect(j.metadata['llama.block_count']).toBe(5);
  });

  it('handles vocabulary-only files and tells GGUF files apart', async () => {
    expect(await inspectGguf(`${VOCAB_DIR}ggml-vocab-bert-bge.gguf`)).toMatch(/weights: 0 tensors, 0\.00 MiB \(0 bytes\); none/);
    expect(await isGgufPath(`${LLM_DIR}stories260K.gguf`)).toBe(true);
    expect(await isGgufPath(`${VOCAB_DIR}README.md`)).toBe(false);
    await expect(inspectGguf('/nonexistent.gguf')).rejects.toThrow(/E_IO/);
  });
});
