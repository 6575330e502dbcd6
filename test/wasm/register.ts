/**
 * Registers the wasm backend for tests and scripts (src/index.ts does not ship it yet), and keeps the
 * backends created, so a caller can see which nodes the wasm backend handed to the reference at run time.
 */
import { registerBackend } from '../../src/index.js';
import { createWasmBackend, type WasmBackend } from '../../src/wasm/backend.js';
import type { WasmOptions } from '../../src/wasm/loader.js';

export const created: WasmBackend[] = [];

export function registerWasm(opts: WasmOptions = { numThreads: 1 }): void {
  registerBackend('wasm', async () => {
    const b = await createWasmBackend(opts);
    created.push(b);
    if (created.length > 64) created.splice(0, created.length - 64);
    return b;
  });
}
