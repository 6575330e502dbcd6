/**
 * pickBackend: the first backend in the list that can hold the weights runs the model, except that
 * kernels on a software GPU adapter (SwiftShader) are tried after the rest unless softwareGpu is 'allow'.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '../../src/register.js';
import { LLM } from '../../src/llm/index.js';
import type { Backend } from '../../src/engine/backend.js';
import type { LlmKernelInfo } from '../../src/engine/llm-kernels.js';
import { pickBackend } from '../../src/llm/api/backends.js';
import type { WeightSpec } from '../../src/llm/runner/tensors.js';

const specs = [{ tensor: 'blk.0.attn_q.weight', type: 'q4_0', bytes: 1 << 20 }] as unknown as WeightSpec[];

function fake(name: string, info: Partial<LlmKernelInfo>, disposed: string[]): Backend {
  const llm = { info: { weightTypes: ['float32', 'q4_0'], kvTypes: ['f32'], maxBufferBytes: 2 ** 31, ...info } };
  return { name, llm, dispose: () => disposed.push(name) } as unknown as Backend;
}

describe('pickBackend', () => {
  it('takes the first backend that can hold the weights, with the reasons of those passed over', async () => {
    const d: string[] = [];
    const p = await pickBackend([fake('a', { weightTypes: ['float32'] }, d), fake('b', {}, d)], specs);
    expect(p.backend.name).toBe('b');
    expect(p.verdicts).toEqual([{ name: 'a', ok: false, reason: expect.stringMatching(/do not take q4_0/) }, { name: 'b', ok: true }]);
  });

  it('tries a software GPU adapter after the rest of the list', async () => {
    const d: string[] = [];
    const p = await pickBackend([fake('gpu', { software: true }, d), fake('cpu', {}, d)], specs);
    expect(p.backend.name).toBe('cpu');
    expect(p.verdicts[0]).toMatchObject({ name: 'gpu', ok: false, software: true, reason: expect.stringMatching(/software fallback/) });
  });

  it('uses the software adapter when nothing after it can run the model, or when asked to', async () => {
    const d: string[] = [];
    const last = await pickBackend([fake('gpu', { software: true }, d), fake('cpu', { weightTypes: ['float32'] }, d)], specs);
    expect(last.backend.name).toBe('gpu');
    expect(last.verdicts).toEqual([{ name: 'gpu', ok: true }, { name: 'cpu', ok: false, reason: expect.stringMatching(/do not take q4_0/) }]);
    const allowed = await pickBackend([fake('gpu', { software: true }, d), fake('cpu', {}, d)], specs, 'allow');
    expect(allowed.backend.name).toBe('gpu');
    expect((await pickBackend([fake('gpu', { software: true }, d)], specs)).backend.name).toBe('gpu');
  });

  it('no backend at all is an E_BACKEND_UNAVAILABLE naming each reason', async () => {
    await expect(pickBackend([fake('a', { weightTypes: ['float32'] }, [])], specs)).rejects.toMatchObject({ code: 'E_BACKEND_UNAVAILABLE', message: expect.stringMatching(/a: its LLM kernels do not take q4_0/) });
  });

  it('a loaded model keeps the verdicts of the backends asked for', async () => {
    const bytes = readFileSync(new URL('../../../shared/models/llm/stories260K.gguf', import.meta.url));
    const llm = await LLM.load(new Uint8Array(bytes), { backends: ['nonesuch', 'reference'] });
    expect(llm.backendName).toBe('reference');
    expect(llm.verdicts).toEqual([{ name: 'nonesuch', ok: false, reason: expect.any(String) }, { name: 'reference', ok: true }]);
    await llm.unload();
  });
});
