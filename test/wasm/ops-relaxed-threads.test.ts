import v8 from 'node:v8';
import { opSuite } from './suite.js';

// The build multi-threaded sessions get where relaxed SIMD validates (Node 20 needs the flag): 3 threads,
// every kernel through the pool.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
opSuite('relaxed SIMD + threads build, 3 threads', { build: 'relaxed-threads', numThreads: 3, minParallelWork: 0 });
