/**
 * End to end in Node: ONNX conformance models served by `startHost` (engines `ort` and `kiln`) and run
 * through the `remote` backend give the local reference backend's result; every v2 datatype the models
 * use crosses in both encodings; TensorFlow Serving's predict API in row and column form; uploads by
 * content hash; what the host reports about engines and providers.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceSession } from '../../src/engine/session.js';
import { Tensor } from '../../src/engine/tensor.js';
import { readTensorProto } from '../../src/formats/onnx/index.js';
import { BridgeSession, TfServingClient, V2Client } from '../../src/bridges/client/index.js';
import type { RunningHost } from '../../src/bridges/host/index.js';
import { ONNX, TOKEN, conformanceCase, makeRepo, maxDiff, modelFile, testHost } from './helpers.js';
import { reluModel, twoOutputModel } from './models.js';

const CASES = ['node/test_add', 'node/test_string_concat', 'node/test_and2d', 'node/test_argmax_default_axis_example', 'node/test_cast_FLOAT_to_FLOAT16'];
const nameOf = (id: string) => id.replace(/^.*\/test_/, '').replace(/^light\/light_/, '');
const REPO = {
  ...Object.fromEntries(CASES.map((id) => [nameOf(id), id])),
  squeezenet: 'light/light_squeezenet', relu: reluModel(), two: twoOutputModel(),
};

/** The light models' input: arange(n) / n in the declared shape (as the upstream runner feeds them). */
async function lightCase(id: string): Promise<{ feeds: Record<string, Tensor>; expected: Record<string, Tensor> }> {
  const s = await InferenceSession.create(modelFile(id), { backends: ['reference'] });
  const meta = s.inputMetadata[0]!;
  const dims = (meta.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
  const n = dims.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: n }, (_, i) => i / n);
  const expected = readTensorProto(new Uint8Array(readFileSync(`${ONNX}light/light_${id.slice(12)}_output_0.pb`)));
  return { feeds: { [meta.name]: new Tensor('float32', x, dims) }, expected: { [s.outputNames[0]!]: expected } };
}

describe.each(['ort', 'kiln'] as const)('remote backend → host with engine %s', (engine) => {
  let host: RunningHost;
  beforeAll(async () => { host = await testHost(makeRepo(REPO), { engine }); });
  afterAll(() => host?.close());

  it.each([...CASES, 'light/light_squeezenet'].flatMap((id) => [[id, true], [id, false]] as const))('%s (binary %s) equals the local reference result', async (id, binary) => {
    const { feeds, expected } = id.startsWith('light/') ? await lightCase(id) : await conformanceCase(id);
    const remote = await BridgeSession.create(modelFile(id), { backends: [{ url: host.url, token: TOKEN, model: nameOf(id), binary }] });
    expect(Object.keys(remote.backendSummary)[0]).toMatch(/^remote:/);
    expect(remote.remote?.engine).toMatchObject({ name: engine, provider: engine === 'ort' ? 'cpu' : expect.stringMatching(/^(wasm|reference)(\+(wasm|reference))?$/) });
    const local = await InferenceSession.create(modelFile(id), { backends: ['reference'] });
    if (!binary && id.endsWith('FLOAT16')) {
      // This case feeds NaN and ±Infinity, which JSON cannot carry: refused before sending, with the reason.
      await expect(remote.run(feeds)).rejects.toThrow(/NaN, which JSON cannot carry; use the binary tensor data extension/);
      return;
    }
    const got = await remote.run(feeds);
    const want = await local.run(feeds);
    for (const name of local.outputNames) {
      const tol = id.startsWith('light/') ? 1e-4 : 0;
      expect(maxDiff(got[name]!, want[name]!), name).toBeLessThanOrEqual(tol);
      expect(maxDiff(got[name]!, expected[name]!), name).toBeLessThanOrEqual(id.startsWith('light/') ? 1e-3 : 1e-6);
    }
  });

  it('TensorFlow Serving predict, row and column form', async () => {
    const x = new Tensor('float32', new Float32Array([1, -2, 3, -4, 5, -6]), [2, 3]);
    for (const tfFormat of ['row', 'column'] as const) {
      const s = await BridgeSession.create(twoOutputModel(), { backends: [{ url: host.url, token: TOKEN, model: 'two', protocol: 'tfserving', tfFormat }] });
      const out = await s.run({ x });
      expect([...(out.y!.data as Float32Array)], tfFormat).toEqual([1, 0, 3, 0, 5, 0]);
      expect([...(out.z!.data as Float32Array)], tfFormat).toEqual([-1, 2, -3, 4, -5, 6]);
      expect(out.z!.dims).toEqual([2, 3]);
    }
    // A signature that does not match (relu has x → y, not y and z) is caught at creation.
    const other = await BridgeSession.create(twoOutputModel(), { backends: [{ url: host.url, token: TOKEN, model: 'relu', protocol: 'tfserving' }, 'reference'] });
    expect(other.fallbacks[0]!.reason).toMatch(/signature .* does not match the local model/);
    // The host answers both forms as TensorFlow Serving does: predictions per instance, outputs per name.
    const tf = new TfServingClient({ url: host.url, token: TOKEN, timeoutMs: 5000, retries: 0 });
    expect(await tf.modelAvailable('two')).toBe(true);
    expect(await tf.modelAvailable('nope')).toBe(false);
    const post = (body: unknown) => fetch(`${host.url}/v1/models/relu:predict`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) }).then(async (r) => [r.status, await r.json()]);
    expect(await post({ instances: [[1, -1, 2, -2], [-3, 3, -4, 4]] })).toEqual([200, { predictions: [[1, 0, 2, 0], [0, 3, 0, 4]] }]);
    expect(await post({ inputs: { x: [[1, -1, 2, -2]] } })).toEqual([200, { outputs: [[1, 0, 2, 0]] }]);
    expect((await post({ instances: [[1, 2], [3]] }))[0]).toBe(400);
    const meta = await fetch(`${host.url}/v1/models/relu/metadata`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json());
    expect(meta.metadata.signature_def.signature_def.serving_default.inputs.x).toMatchObject({ dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: '-1' }, { size: '4' }] } });
  });

  it('reports which engine and provider run each model, and every engine that cannot run here, with the reason', async () => {
    const v2 = new V2Client({ url: host.url, token: TOKEN, timeoutMs: 5000, retries: 0 });
    const m = await v2.modelMetadata('add');
    expect(m.platform).toBe(engine === 'ort' ? 'onnx_onnxv1' : 'kiln_onnx');
    expect(m.engine).toMatchObject({ name: engine, provider: engine === 'ort' ? 'cpu' : expect.stringMatching(/^(wasm|reference)(\+(wasm|reference))?$/) });
    const server = await v2.serverMetadata();
    const engines = server.engines as { name: string; available: boolean; reason?: string }[];
    expect(engines.map((e) => e.name).sort()).toEqual(['executorch', 'kiln', 'ort']);
    for (const e of engines) if (!e.available) expect(e.reason, e.name).toMatch(/\w{10}/);
  });
});

describe('uploads by content hash', () => {
  it('off by default (403, and the client falls back); with allowUpload the client uploads once and runs', async () => {
    const bytes = reluModel();
    const x = new Tensor('float32', new Float32Array([-1, 2, -3, 4]), [1, 4]);
    const closed = await testHost(makeRepo({}));
    const s0 = await BridgeSession.create(bytes, { backends: [{ url: closed.url, token: TOKEN }, 'reference'] });
    expect(s0.fallbacks[0]!.reason).toMatch(/HTTP 403: uploads are off/);
    await closed.close();

    const host = await testHost(makeRepo({}), { allowUpload: true, engine: 'ort' });
    try {
      const s = await BridgeSession.create(bytes, { backends: [{ url: host.url, token: TOKEN }] });
      expect([...((await s.run({ x })).y!.data as Float32Array)]).toEqual([0, 2, 0, 4]);
      const name = `sha256-${createHash('sha256').update(bytes).digest('hex')}`;
      expect(host.repo.index()).toEqual([{ name, version: '1', state: 'READY', reason: '' }]);
      await BridgeSession.create(bytes, { backends: [{ url: host.url, token: TOKEN }] });
      expect(host.repo.uploadCount).toBe(1);
      // A name that is not the file's hash is refused.
      const v2 = new V2Client({ url: host.url, token: TOKEN, timeoutMs: 5000, retries: 0 });
      await expect(v2.load(`sha256-${'0'.repeat(64)}`, { '1/model.onnx': bytes })).rejects.toThrow(/does not match/);
      await expect(v2.load('mine', { '1/model.onnx': bytes })).rejects.toThrow(/named by their content/);
    } finally {
      await host.close();
    }
  });
});
