/**
 * The page bundle for test/browser/webgpu-llm.spec.ts: greedy generation on the WebGPU LLM kernels in
 * Chromium, for the spec to check against golden.json. Model bytes are fetched whole from /shared/.
 */
import { LLM } from '../../../src/llm/index.js';
import { createWebGpuBackend } from '../../../src/shaders/index.js';

interface Case { prompt_ids: number[]; maxTokens: number }
interface Outcome { tokens: number[]; text: string; top5: [number, number][]; prefillTokS: number; decodeTokS: number }

async function runGreedy(model: string, cases: Case[], opts: { kvType?: 'f32' | 'f16'; batchSize?: number } = {}): Promise<{ backend: string; outcomes: Outcome[] }> {
  const bytes = new Uint8Array(await (await fetch(`/shared/models/llm/${model}`)).arrayBuffer());
  const backend = await createWebGpuBackend();
  const llm = await LLM.load(bytes, { backends: [backend], contextSize: 512, ...opts });
  const outcomes: Outcome[] = [];
  try {
    for (const c of cases) {
      const r = await llm.complete(c.prompt_ids, { temperature: 0, maxTokens: c.maxTokens, ignoreEos: true });
      const z = await llm.nextLogits(c.prompt_ids);
      const top5 = [...z].map((v, i) => [i, v] as [number, number]).sort((a, b) => b[1] - a[1]).slice(0, 5);
      outcomes.push({ tokens: r.tokens, text: r.text, top5, prefillTokS: r.prefillTokS, decodeTokS: r.decodeTokS });
    }
    return { backend: llm.backendName, outcomes };
  } finally {
    await llm.unload();
  }
}

async function adapterInfo() {
  return (await createWebGpuBackend()).report().capabilities.adapter;
}

Object.assign(globalThis, { kilnWebGpuLlm: { runGreedy, adapterInfo } });
(globalThis as { ready?: boolean }).ready = true;
