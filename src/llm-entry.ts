/**
 * kiln/llm: the LLM layer (src/llm) with the built-in backends and formats registered, so
 * `LLM.load(url, { backends: ['wasm', 'reference'] })` finds them without importing 'kiln' first.
 */
import './register.js';

export * from './llm/index.js';
