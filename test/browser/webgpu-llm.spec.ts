/**
 * The WebGPU LLM kernels in headless Chromium (SwiftShader): greedy tokens of the stories260K files against
 * ../shared/models/llm/golden.json, as test/llm/golden-tokens-webgpu.gpu.ts checks them in Node. F32 and the
 * tied file must match exactly; the mixed-quant file matches its float64 oracle in full here too (its one
 * documented near tie, margin 0.014 after "too high.", does not flip on these kernels).
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openWebGpuPage } from '../webgpu/bundle.js';

interface GreedyCase { prompt: string; prompt_ids: number[]; greedy_ids: number[]; greedy_text: string; first_step_top5: [number, number][] }
interface Outcome { tokens: number[]; text: string; top5: [number, number][]; prefillTokS: number; decodeTokS: number }
type Api = { runGreedy(model: string, cases: { prompt_ids: number[]; maxTokens: number }[], opts?: object): Promise<{ backend: string; outcomes: Outcome[] }> };

const golden = JSON.parse(readFileSync(new URL('../../../shared/models/llm/golden.json', import.meta.url), 'utf8')) as { greedy: { model: string; cases: GreedyCase[] }[] };

test.describe.configure({ mode: 'serial' });
let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await openWebGpuPage(browser, 'webgpu-llm-entry', '/test/browser/pages/webgpu-llm.html');
});

test.afterAll(async () => page?.close());

const greedy = (model: string, cases: { prompt_ids: number[]; maxTokens: number }[], opts: object = {}) =>
  page.evaluate(([m, c, o]) => (globalThis as unknown as { kilnWebGpuLlm: Api }).kilnWebGpuLlm.runGreedy(m, c, o), [model, cases, opts] as const);

const files = [...golden.greedy.map((s) => ({ file: s.model, cases: s.cases })), { file: 'stories260K-tied.gguf', cases: golden.greedy[0]!.cases }];

for (const { file, cases } of files) {
  test(`${file}: golden greedy tokens on webgpu (${cases.length} prompts × 64)`, async () => {
    test.setTimeout(180_000);
    const r = await greedy(file, cases.map((c) => ({ prompt_ids: c.prompt_ids, maxTokens: 64 })));
    expect(r.backend).toBe('webgpu');
    r.outcomes.forEach((o, i) => {
      const c = cases[i]!;
      expect(o.tokens, `prompt ${JSON.stringify(c.prompt)}`).toEqual(c.greedy_ids);
      expect(o.text).toBe(c.greedy_text);
      o.top5.forEach(([id, v], j) => {
        expect(id).toBe(c.first_step_top5[j]![0]);
        expect(v).toBeCloseTo(c.first_step_top5[j]![1], 3);
      });
    });
    const decode = r.outcomes.map((o) => o.decodeTokS.toFixed(1)).join(', ');
    console.log(`webgpu (Chromium, SwiftShader) ${file}: decode tok/s ${decode}`);
  });
}

test('f16 KV cache and batch size 3 keep the F32 tokens', async () => {
  test.setTimeout(120_000);
  const c = golden.greedy[0]!.cases[2]!;
  const r = await greedy('stories260K.gguf', [{ prompt_ids: c.prompt_ids, maxTokens: 64 }], { kvType: 'f16', batchSize: 3 });
  expect(r.outcomes[0]!.tokens).toEqual(c.greedy_ids);
});
