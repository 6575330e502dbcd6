/** The page bundle for test/browser/webgpu.spec.ts: the webgpu suite and the conformance runner. */
import { CASES } from '../../webgpu/cases.js';
import { registerWebGpu, runCase } from '../../webgpu/harness.js';
import { SYSTEM_TESTS } from '../../webgpu/system.js';
import { runConformanceCase } from './webgpu-conformance.js';
import { createWebGpuBackend } from '../../../src/shaders/index.js';

registerWebGpu();

async function runKernelCases(filter?: string) {
  const re = filter ? new RegExp(filter) : undefined;
  const out = [];
  for (const c of CASES) if (!re || re.test(c.name)) out.push(await runCase(c));
  return out;
}

async function runSystemTests() {
  const out = [];
  for (const t of SYSTEM_TESTS) {
    try {
      const message = await t.run();
      out.push({ name: t.name, ok: message === undefined, message });
    } catch (e) {
      out.push({ name: t.name, ok: false, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

async function runConformance(ids: readonly string[]) {
  const out = [];
  for (const id of ids) out.push(await runConformanceCase(id));
  return out;
}

async function capabilities() {
  return (await createWebGpuBackend()).report().capabilities;
}

Object.assign(globalThis, { kilnWebGpu: { runKernelCases, runSystemTests, runConformance, capabilities } });
(globalThis as { ready?: boolean }).ready = true;
