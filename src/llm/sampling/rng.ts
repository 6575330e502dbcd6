/** LLM sampling draws from the engine's seeded generator (src/engine/random.ts). */
export { randomSeed, Rng } from '../../engine/random.js';
