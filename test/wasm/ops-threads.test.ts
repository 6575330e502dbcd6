import { opSuite } from './suite.js';

// 3 threads on any machine: uneven slices; every kernel goes through the pool, however small.
opSuite('threads build, 3 threads', { build: 'threads', numThreads: 3, minParallelWork: 0 });
