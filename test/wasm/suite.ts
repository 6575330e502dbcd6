/** The wasm op suite: every case of ./cases on one build/thread configuration, each against the reference. */
import { describe, expect, it } from 'vitest';
import type { WasmOptions } from '../../src/wasm/loader.js';
import { ALL_CASES } from './cases/index.js';
import { check, useWasm } from './harness.js';

export function opSuite(label: string, opts: WasmOptions): void {
  describe(`wasm ops (${label})`, () => {
    for (const [family, cases] of Object.entries(ALL_CASES)) {
      describe(family, () => {
        it.each(cases)('%s', async (_name, c) => {
          useWasm(opts);
          const { backend, ranOn } = await check(c);
          expect(ranOn).toBe('wasm');
          expect(backend.stats.delegated).toBe(0);
        });
      });
    }
  });
}
