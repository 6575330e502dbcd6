/** src/workers: the worker-first public session, the worker protocol, and the timing/abort monitor. */
export { InferenceSession, type RunOptions, type SessionOptions } from './session.js';
export { FEATURES, type Features } from './env.js';
export type { LoadInfo, LoadProgressEvent } from './loader.js';
export type { WorkerSpec } from './assets.js';
