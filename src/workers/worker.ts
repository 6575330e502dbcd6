/**
 * The worker entry (built as dist/browser/kiln.worker.js): the package entry registers the formats and
 * backends this build ships, then the worker serves one session to the page that started it.
 *
 * A worker with extra backends is a file of its own:
 *   import { registerBackend } from 'kiln';  registerBackend('mine', createMine);
 *   import 'kiln/worker';                    // then: InferenceSession.create(url, { worker: () => new Worker(…) })
 */
import '../index.js';
import { FEATURES } from './env.js';
import { serve } from './serve.js';

if (FEATURES.inWorker) serve();
