/**
 * Every webgpu kernel against the reference backend, plus the whole-backend checks (leaks, batching,
 * IO binding, device loss), in Node on Dawn + SwiftShader. Dawn must see Chromium's Vulkan driver when
 * the process starts, so the suite runs in a child process (test/webgpu/node-suite.ts). Where no adapter
 * can be had the suite is skipped with the reason; the Chromium run (test/browser/webgpu.spec.ts) is the
 * one CI always has.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gpuChildEnv } from './node-gpu.js';

interface Outcome { name: string; ok: boolean; message?: string }
interface SuiteOutput { adapter: boolean | null; cases?: Outcome[]; system?: Outcome[] }

const suite = fileURLToPath(new URL('./node-suite.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

function runSuite(): SuiteOutput {
  const out = execFileSync(process.execPath, [tsx, suite], { env: gpuChildEnv(), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000, stdio: ['ignore', 'pipe', 'ignore'] });
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`the webgpu suite printed no result:\n${out.slice(-2000)}`);
  return JSON.parse(line) as SuiteOutput;
}

const result = runSuite();

describe.skipIf(!result.adapter)('webgpu kernels vs reference (Node, Dawn)', () => {
  for (const c of result.cases ?? []) {
    it(c.name, () => expect(c.message ?? 'ok').toBe('ok'));
  }
});

describe.skipIf(!result.adapter)('webgpu backend (Node, Dawn)', () => {
  for (const c of result.system ?? []) {
    it(c.name, () => expect(c.message ?? 'ok').toBe('ok'));
  }
});

it('reports whether a WebGPU adapter was found in Node', () => {
  expect(result.adapter === true || result.adapter === null).toBe(true);
});
