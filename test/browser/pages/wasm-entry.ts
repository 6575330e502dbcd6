/**
 * Browser side of the wasm op tests (bundled by test/browser/wasm.spec.ts): runs every case of
 * test/wasm/cases against the reference backend, on a chosen build and thread count, and returns failures.
 */
import '../../../src/index.js'; // formats and the reference backend
import { InferenceSession, Tensor } from '../../../src/engine/index.js';
import { createWasmBackend } from '../../../src/wasm/backend.js';
import { detectFeatures } from '../../../src/wasm/features.js';
import type { WasmOptions } from '../../../src/wasm/loader.js';
import { ALL_CASES } from '../../wasm/cases/index.js';
import { check, useWasm } from '../../wasm/harness.js';

interface SuiteResult { cases: number; failures: string[]; notes: readonly string[]; threads: number; build: string; features: unknown }

async function runWasmSuite(opts: WasmOptions): Promise<SuiteResult> {
  useWasm(opts);
  const failures: string[] = [];
  let cases = 0;
  for (const [family, list] of Object.entries(ALL_CASES)) {
    for (const [name, c] of list) {
      cases++;
      try {
        const { backend, ranOn } = await check(c);
        if (ranOn !== 'wasm' || backend.stats.delegated) failures.push(`${family}/${name}: ran on ${ranOn}, delegated ${backend.stats.delegated}`);
      } catch (e) {
        failures.push(`${family}/${name}: ${(e as Error).message}`);
      }
    }
  }
  const b = await createWasmBackend(opts);
  return { cases, failures, notes: b.notes, threads: b.threads, build: b.rt.build, features: await detectFeatures() };
}

/** The backend's build, threads and notes, and a small ONNX model (Relu) run end to end on it. */
async function backendInfo(opts: WasmOptions): Promise<{ notes: readonly string[]; threads: number; build: string; sum: number }> {
  useWasm(opts);
  const b = await createWasmBackend(opts);
  const s = await InferenceSession.create('/shared/conformance/onnx/node/test_relu/model.onnx', { backends: ['wasm'] });
  const x = new Tensor('float32', Float32Array.from({ length: 60 }, (_, i) => i - 30), [3, 4, 5]);
  const y = (await s.run({ x }))[s.outputNames[0]!]!.data as Float32Array;
  return { notes: b.notes, threads: b.threads, build: b.rt.build, sum: y.reduce((a, v) => a + v, 0) };
}

Object.assign(globalThis, { runWasmSuite, backendInfo, ready: true });
