/** `kiln generate`: streamed text, then one JSON line with tokens, speeds and peak memory. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCommand } from '../../src/cli/generate.js';
import { golden, STORIES, STORIES_MIXQ } from './llm-helpers.js';

const run = async (...argv: string[]) => {
  let out = '';
  const report = await generateCommand(argv, (s) => (out += s));
  return { out, report };
};

describe('kiln generate', () => {
  it('streams the text and ends with one JSON line (reference backend)', async () => {
    const c = golden.greedy[0]!.cases[1]!;
    const { out } = await run(STORIES, '-p', 'Once upon a time', '-n', '64', '--temp', '0', '--backend', 'reference', '--ctx', '256');
    const lines = out.trimEnd().split('\n');
    const j = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(out.startsWith(c.greedy_text)).toBe(true);
    expect(j.tokens).toEqual(c.greedy_ids);
    expect(Object.keys(j).slice(0, 4)).toEqual(['tokens', 'prefill_tok_s', 'decode_tok_s', 'peak_bytes']);
    expect(j.prefill_tok_s).toBeGreaterThan(0);
    expect(j.decode_tok_s).toBeGreaterThan(0);
    expect(j.peak_bytes).toBeGreaterThan(1_171_200 + 5 * 2 * 256 * 32 * 4);
    expect(j).toMatchObject({ backend: 'reference', context: 256, finish_reason: 'length', prompt_tokens: 5 });
  });

  it('mixed-quant file; sampling with a seed is repeatable; JSON schema output parses', async () => {
    const a = await run(STORIES_MIXQ, '-p', 'One day', '-n', '20', '--temp', '0.9', '--seed', '3', '--backend', 'reference');
    const b = await run(STORIES_MIXQ, '-p', 'One day', '-n', '20', '--temp', '0.9', '--seed', '3', '--backend', 'reference');
    expect(a.report.tokens).toEqual(b.report.tokens);
    const dir = mkdtempSync(join(tmpdir(), 'kiln-gen-'));
    writeFileSync(join(dir, 's.json'), JSON.stringify({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }));
    const j = await run(STORIES, '-p', 'x', '--temp', '0', '--json-schema', join(dir, 's.json'), '--backend', 'reference');
    expect(Object.keys(JSON.parse(j.out.trimEnd().split('\n')[0]!) as object)).toEqual(['n']);
  });

  it('refuses bad arguments', async () => {
    await expect(run()).rejects.toThrow(/missing <model.gguf>/);
    await expect(run(STORIES, '-n')).rejects.toThrow(/-n needs a number/);
    await expect(run(STORIES, '--bogus')).rejects.toThrow(/unknown option '--bogus'/);
    await expect(run(STORIES, 'a')).rejects.toThrow(/unexpected argument 'a' \(quote the prompt and pass it with -p\)/);
    await expect(run(STORIES, '-p', 'x', '--backend', 'nonesuch')).rejects.toThrow(/E_BACKEND_UNAVAILABLE/);
  });
});
