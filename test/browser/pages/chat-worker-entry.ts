/** The page side of the LLM worker tests: `LLMWorker` driving the flaky test worker. */
import { LLMWorker } from '../../../src/workers/llm-proxy.js';

const start = () => LLMWorker.start({ worker: () => new Worker(new URL('./chat-worker-flaky.ts', import.meta.url), { type: 'module' }) });

async function drain(it: AsyncGenerator<{ id: number; text: string }, unknown>) {
  const ids: number[] = [];
  let text = '';
  let s = await it.next();
  while (!s.done) {
    if (s.value.id >= 0) ids.push(s.value.id);
    text += s.value.text;
    s = await it.next();
  }
  return { ids, text, result: s.value };
}

const api = {
  /** The same greedy answer, once on the flaky 'webgpu' (lost after 12 token reads) and once on reference alone. */
  async fallback(model: string) {
    const w = await start();
    const info = await w.load(model, { backends: ['webgpu', 'wasm', 'reference'], softwareGpu: 'allow', contextSize: 256 });
    const fallbacks: unknown[] = [];
    const flaky = await drain(w.generate('Once upon a time', { temperature: 0, maxTokens: 40, onFallback: (f) => fallbacks.push(f) }));
    const after = w.info;
    await w.load(model, { backends: ['reference'], contextSize: 256 });
    const plain = await drain(w.generate('Once upon a time', { temperature: 0, maxTokens: 40 }));
    w.terminate();
    return { loadedOn: info.backend, fallbacks, flaky, plain, after };
  },

  /** Errors keep their KilnError code across the worker; aborts end the answer with finishReason 'abort'. */
  async errorsAndAbort(model: string) {
    const w = await start();
    const codes: string[] = [];
    for (const bad of [new Uint8Array([1, 2, 3, 4]), 'data:application/octet-stream;base64,R0dVRgMAAAA=']) {
      try {
        await w.load(bad, { backends: ['reference'] });
      } catch (e) {
        codes.push(`${(e as Error).name}:${(e as { code?: string }).code}`);
      }
    }
    try {
      await w.generate('x').next();
    } catch (e) {
      codes.push(`${(e as Error).name}:${(e as { code?: string }).code}`);
    }
    await w.load(model, { backends: ['reference'], contextSize: 256 });
    const ac = new AbortController();
    let seen = 0;
    const it = w.generate('Once upon a time', { temperature: 0, maxTokens: 200, signal: ac.signal });
    let s = await it.next();
    while (!s.done) {
      if (++seen === 5) ac.abort();
      s = await it.next();
    }
    const tokens = await w.countTokens('Once upon a time');
    w.terminate();
    return { codes, seen, result: s.value, tokens, isolated: crossOriginIsolated };
  },
};

Object.assign(window, { chatWorkerTests: api, ready: true });
