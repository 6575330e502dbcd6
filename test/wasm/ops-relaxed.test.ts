import v8 from 'node:v8';
import { opSuite } from './suite.js';

// Node 20 validates relaxed SIMD only behind this flag (Node 22+ and Chromium ship it).
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
opSuite('relaxed SIMD build, 1 thread', { build: 'relaxed', numThreads: 1 });
