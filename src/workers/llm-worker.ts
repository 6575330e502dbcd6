/**
 * The LLM worker entry (to be built as dist/browser/kiln-llm.worker.js; bundlers start it from this
 * file): 'kiln/llm' registers the built-in backends and formats, then the worker serves one LLM and the
 * model store to the page that started it (src/workers/llm-proxy.ts, `LLMWorker`).
 *
 * A worker with extra backends is a file of its own:
 *   import { registerBackend } from 'kiln';  registerBackend('mine', createMine);
 *   import { serveLlm } from 'kiln/llm-worker';  serveLlm();
 */
import '../llm-entry.js';
import { FEATURES } from './env.js';
import { serveLlm } from './llm-host.js';

export { serveLlm };

if (FEATURES.inWorker) serveLlm();
