/**
 * The CLI as a separate process, the way scripts call it: `kiln run` on an ONNX node test's model with its
 * input .pb files must produce output_0, and bad input must give one line on stderr and a non-zero exit.
 * Needs dist/ (npm test builds it first).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readTensorProto } from '../../src/formats/onnx/index.js';
import { readNpy } from '../../src/cli/npy.js';
import { compareValues, CONFORMANCE_ROOT } from '../conformance/runner.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/kiln.js', import.meta.url).pathname;
const CASE = join(CONFORMANCE_ROOT, 'node/test_add_bcast');
const data = (f: string) => join(CASE, 'test_data_set_0', f);

async function kiln(...args: string[]) {
  try {
    const r = await exec(process.execPath, [BIN, ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('kiln CLI', () => {
  it('run writes output_0 as .npy and prints the JSON summary', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kiln-cli-'));
    const r = await kiln('run', join(CASE, 'model.onnx'), '--input', data('input_0.pb'), '--input', data('input_1.pb'), '--backend', 'reference', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { outputs: { name: string; file: string; dtype: string; dims: number[] }[]; backends: Record<string, number> };
    expect(summary.outputs).toHaveLength(1);
    expect(summary.backends).toEqual({ reference: 1 });
    const got = readNpy(new Uint8Array(readFileSync(join(out, summary.outputs[0]!.file))));
    const want = readTensorProto(new Uint8Array(readFileSync(data('output_0.pb'))));
    expect(summary.outputs[0]!.dtype).toBe(want.type);
    expect(summary.outputs[0]!.dims).toEqual(want.dims);
    expect(compareValues(got, want, { rtol: 1e-6, atol: 0 })).toBeUndefined();
  });

  it('binds name=file inputs by name', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kiln-cli-'));
    const r = await kiln('run', join(CASE, 'model.onnx'), '--input', `y=${data('input_1.pb')}`, '--input', `x=${data('input_0.pb')}`, '--out', out);
    expect(r.code).toBe(0);
  });

  it('inspect prints the op histogram', async () => {
    const r = await kiln('inspect', join(CASE, 'model.onnx'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ops).toEqual({ Add: 1 });
  });

  it('tokenize and GGUF inspect are wired into the binary', async () => {
    const gguf = join(CONFORMANCE_ROOT, '../gguf-vocab/ggml-vocab-gpt-2.gguf');
    const t = await kiln('tokenize', gguf, 'Hello world');
    expect(t).toMatchObject({ code: 0, stdout: '15496 995\n' });
    const i = await kiln('inspect', gguf, '--json');
    expect(i.code).toBe(0);
    expect(JSON.parse(i.stdout)).toMatchObject({ version: 3 });
  });

  it.each([
    [['run', join(CASE, 'model.onnx'), '--input', '/no/such/file.npy', '--out', '/tmp/x'], /E_IO/],
    [['run', join(CASE, 'model.onnx'), '--input', data('input_0.pb'), '--out', '/tmp/x'], /missing input/],
    [['run', '/no/such/model.onnx', '--out', '/tmp/x'], /cannot read model file/],
    [['run', join(CASE, 'model.onnx'), '--input', `nope=${data('input_0.pb')}`, '--out', '/tmp/x'], /not an input/],
    [['frobnicate'], /unknown command/],
    [['run', join(CONFORMANCE_ROOT, '../gguf-vocab/ggml-vocab-gpt-2.gguf'), '--out', '/tmp/x'], /GGUF language model: load it with LLM.load/],
  ])('bad input → one line on stderr, non-zero exit: %s', async (args, pattern) => {
    const r = await kiln(...(args as string[]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^kiln: /);
  });
});
