/**
 * LLM.plan reads the header only and says: memory (weights, KV cache, scratch), fit against a budget,
 * the backend that would run it and why others would not, and what to shrink. A synthetic 8B model
 * written as a sparse file of more than 2 GB is planned through a path, a Blob (what a browser File
 * is) and a URL read by range requests, without reading its tensor data.
 */
import { openAsBlob } from 'node:fs';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHAPES, synthGgufBytes, writeSynthGguf } from '../../scripts/gguf-synth.js';
import { LLM } from '../../src/llm/index.js';
import { referenceLlmBackend, STORIES, storiesBytes } from './llm-helpers.js';

const backends = () => [referenceLlmBackend()];

describe('LLM.plan', () => {
  it('stories260K: memory by part, the backend, and a fit verdict', async () => {
    const p = await LLM.plan(STORIES, { backends: backends(), budgetBytes: 64 << 20 });
    expect(p).toMatchObject({ arch: 'llama', supported: true, backend: 'reference', contextSize: 2048, kvType: 'f32', fits: true, suggestions: [] });
    expect(p.weightBytes).toBe(1_171_200); // 48 F32 tensors, output.weight included
    expect(p.kvBytes).toBe(5 * 2 * 2048 * 4 * 8 * 4);
    expect(p.totalBytes).toBe(p.weightBytes + p.kvBytes + p.activationBytes);
    expect(p.backends).toEqual([{ name: 'reference', ok: true }]);
    // The plan matches what loading holds.
    const llm = await LLM.load(storiesBytes(), { backends: backends() });
    const m = llm.memory();
    expect([m.weights, m.kv, m.activations]).toEqual([p.weightBytes, p.kvBytes, p.activationBytes]);
    await llm.unload();
  });

  it('over budget: suggests a context (and an f16 cache) that fits, or says the weights are too big', async () => {
    // 1.17 MB of weights, 0.68 MB of scratch, 1280 bytes of f32 KV cache per token (640 in f16).
    const p = await LLM.plan(STORIES, { backends: backends(), budgetBytes: 3_500_000, contextSize: 2048 });
    expect(p.fits).toBe(false);
    expect(p.suggestions).toEqual([
      { kvType: 'f16', message: 'an f16 KV cache (1.3 MiB) fits the budget at 2048 tokens' },
      { contextSize: 1280, kvType: 'f32', message: 'a context of 1280 tokens (f32 KV cache) fits the budget' },
      { contextSize: 2560, kvType: 'f16', message: 'a context of 2560 tokens (f16 KV cache) fits the budget' },
    ]);
    expect((await LLM.plan(STORIES, { backends: backends(), budgetBytes: 3_500_000, contextSize: 1280 })).fits).toBe(true);
    expect((await LLM.plan(STORIES, { backends: backends(), budgetBytes: 3_500_000, kvType: 'f16' })).fits).toBe(true);
    const tiny = await LLM.plan(STORIES, { backends: backends(), budgetBytes: 500_000 });
    expect(tiny.suggestions[0]!.message).toMatch(/weights alone need 1.1 MiB/);
  });

  it('reports an architecture it cannot run, and backends that cannot, without throwing', async () => {
    const bytes = synthGgufBytes({ arch: 'llama', hidden: 64, layers: 1, heads: 2, kvHeads: 2, ff: 64, vocab: 300 }, 'q8_0');
    const text = new TextDecoder('latin1').decode(bytes);
    const i = text.indexOf('llama', text.indexOf('general.architecture'));
    const mamba = bytes.slice();
    mamba.set(new TextEncoder().encode('mamba'), i);
    const p = await LLM.plan(mamba, { backends: backends() });
    expect(p.supported).toBe(false);
    expect(p.reason).toMatch(/architecture 'mamba' is not supported/);
    const q = await LLM.plan(bytes, { backends: ['nonesuch', ...backends()] });
    expect(q.backend).toBe('reference');
    expect(q.backends[0]).toMatchObject({ name: 'nonesuch', ok: false });
  });
});

describe('LLM.plan on sparse GGUF files of more than 2 GB', () => {
  let dir: string;
  const files: Record<string, string> = {};
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiln-plan-'));
    files.small = join(dir, 'synthetic-1b-f16.gguf'); // 2.5 GB: over 2^31, under 2^32
    files.big = join(dir, 'synthetic-8b-q4_0.gguf'); // 4.5 GB: over 2^32
    await writeSynthGguf(files.small, SHAPES['llama-3.2-1b']!, 'f16', { sparse: true });
    await writeSynthGguf(files.big, SHAPES['llama-8b']!, 'q4_0', { sparse: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A fetch that serves byte ranges of a file, counting what it hands out. */
  async function rangeFetch(path: string) {
    const size = statSync(path).size;
    const fh = await open(path, 'r');
    const served = { bytes: 0 };
    const f = (async (_url: string, init?: RequestInit) => {
      const m = /bytes=(\d+)-(\d+)/.exec(String((init?.headers as Record<string, string>).Range));
      const from = Number(m![1]);
      const to = Math.min(Number(m![2]), size - 1);
      const buf = new Uint8Array(to - from + 1);
      await fh.read(buf, 0, buf.length, from);
      served.bytes += buf.length;
      return new Response(buf, { status: 206, headers: { 'content-range': `bytes ${from}-${to}/${size}` } });
    }) as typeof fetch;
    return { f, served, size, close: () => fh.close() };
  }

  for (const which of ['small', 'big'] as const) {
    it(`${which === 'small' ? '2.5 GB f16 1B model' : '4.5 GB q4_0 8B model'}: from a path${which === 'small' ? ', a Blob' : ''} and a URL, reading only the header`, async () => {
      const path = files[which]!;
      const r = await rangeFetch(path);
      expect(r.size).toBeGreaterThan(2 ** 31);
      const rss = process.memoryUsage().rss;
      // Node's openAsBlob reports sizes modulo 2^32, so the Blob case stays under 4 GB.
      const sources = [path, 'https://models.example/model.gguf', ...(which === 'small' ? [await openAsBlob(path)] : [])];
      for (const src of sources) {
        const p = await LLM.plan(src as string, { backends: backends(), budgetBytes: 8e9, contextSize: 8192, fetch: r.f });
        expect(p).toMatchObject({ arch: 'llama', supported: true, fileBytes: r.size, fits: true, backend: 'reference' });
        expect(p.weightBytes).toBeGreaterThan(2 ** 31);
      }
      await r.close();
      expect(r.served.bytes).toBeLessThan(8 << 20);
      expect(process.memoryUsage().rss - rss).toBeLessThan(256 << 20);
    });
  }
});
