/**
 * The WebGPU LLM tests in Node: the shared kernel suite (test/llm/llm-kernels-webgpu.gpu.ts) and the golden
 * greedy tokens (test/llm/golden-tokens-webgpu.gpu.ts). Dawn must see Chromium's SwiftShader driver when
 * its process starts, so they run as their own vitest run (test/webgpu/vitest.llm.config.ts) in a child
 * process with the environment from test/webgpu/node-gpu.ts; each of their results is reported here as a
 * test. Where no adapter can be had they are skipped; test/browser/webgpu-llm.spec.ts runs the golden
 * tokens in Chromium, which CI always has.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gpuChildEnv } from '../webgpu/node-gpu.js';

interface Assertion { fullName: string; status: string; failureMessages: string[] }
interface Report { testResults: { name: string; message?: string; assertionResults: Assertion[] }[] }

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runGpuTests(): Report {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-webgpu-llm-'));
  const out = join(dir, 'report.json');
  try {
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/webgpu/vitest.llm.config.ts', '--reporter=json', `--outputFile=${out}`], {
        cwd: ROOT, env: gpuChildEnv(), stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000, maxBuffer: 64 << 20,
      });
    } catch (e) {
      // A failing test makes vitest exit 1; the report still says which.
      try {
        readFileSync(out);
      } catch {
        throw new Error(`the WebGPU LLM tests did not run: ${String((e as { stderr?: Buffer }).stderr ?? e).slice(-2000)}`);
      }
    }
    return JSON.parse(readFileSync(out, 'utf8')) as Report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const report = runGpuTests();

describe('webgpu LLM kernels and golden tokens (Node, Dawn, in a child process)', () => {
  for (const file of report.testResults) {
    if (file.assertionResults.length === 0) it(`${file.name.replace(ROOT, '')} ran`, () => expect(file.message ?? 'ok').toBe('ok'));
    for (const a of file.assertionResults) {
      const name = `${file.name.replace(ROOT, '').replace(/^test\/llm\//, '')} › ${a.fullName}`;
      if (a.status === 'skipped' || a.status === 'pending') it.skip(name, () => {});
      else it(name, () => expect(a.status === 'passed' ? 'passed' : a.failureMessages.join('\n').slice(0, 4000)).toBe('passed'));
    }
  }
});
