/**
 * An LLM worker for tests: Kiln's LLM worker with one more backend, 'webgpu', that is the reference
 * backend under another name whose device is "lost" after a number of token reads. The host must then
 * carry on on the next backend.
 */
import '../../../src/llm-entry.js';
import { KilnError } from '../../../src/engine/errors.js';
import type { LlmKernels } from '../../../src/engine/llm-kernels.js';
import { registerBackend } from '../../../src/engine/registry.js';
import { createReferenceBackend } from '../../../src/reference/index.js';
import { serveLlm } from '../../../src/workers/llm-host.js';

/** Token reads (argmax or logits) on 'webgpu' before its device is lost. */
export const LOSE_AFTER = 12;
let reads = 0;

registerBackend('webgpu', () => {
  const ref = createReferenceBackend();
  const k = (ref as unknown as { llm: LlmKernels }).llm;
  const llm = new Proxy(k, {
    get(target, p) {
      const v = (target as unknown as Record<string | symbol, unknown>)[p];
      if (p !== 'argmax' && p !== 'logits') return typeof v === 'function' ? v.bind(target) : v;
      return (...args: unknown[]) => {
        if (++reads > LOSE_AFTER) throw new KilnError('E_DEVICE_LOST', 'the GPU device was lost (simulated)');
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return Object.assign(Object.create(ref), { name: 'webgpu', llm });
});

serveLlm();
