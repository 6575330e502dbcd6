/** `kiln generate --backend wasm`: the golden tokens, the wasm backend named in the report, peak memory ≈ weights + KV. */
import { describe, expect, it } from 'vitest';
import { generateCommand } from '../../src/cli/generate.js';
import { golden, STORIES_MIXQ } from './llm-helpers.js';

describe('kiln generate --backend wasm', () => {
  it('streams the golden text of the mixed-quant file and reports the wasm backend', async () => {
    const set = golden.greedy.find((s) => s.model.includes('mixq'))!;
    const c = set.cases[1]!;
    let out = '';
    await generateCommand([STORIES_MIXQ, '-p', c.prompt, '-n', '64', '--temp', '0', '--backend', 'wasm', '--ctx', '256'], (s) => (out += s));
    const j = JSON.parse(out.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
    expect(out.startsWith(c.greedy_text)).toBe(true);
    expect(j.tokens).toEqual(c.greedy_ids);
    expect(j).toMatchObject({ backend: 'wasm', context: 256, finish_reason: 'length' });
    // Weights as stored (≈ 0.26 MB) + f32 KV cache (5 layers × 2 × 256 × 32 × 4) + scratch.
    expect(j.peak_bytes).toBeGreaterThan(250_000 + 5 * 2 * 256 * 32 * 4);
    expect(j.peak_bytes).toBeLessThan(2_000_000);
  });
});
