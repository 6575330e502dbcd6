import { opSuite } from './suite.js';

opSuite('SIMD build, 1 thread', { build: 'simd', numThreads: 1 });
