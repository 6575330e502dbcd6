/**
 * The page bundle for test/browser/bridge.spec.ts: runs an ONNX conformance case through the `remote`
 * backend (a host on another origin: CORS + bearer token) and on the local reference backend.
 */
import '../../../src/index.js';
import { BridgeSession } from '../../../src/bridges/client/index.js';
import { InferenceSession } from '../../../src/engine/session.js';
import type { Tensor } from '../../../src/engine/tensor.js';
import { readTensorProto } from '../../../src/formats/onnx/index.js';

export interface BridgeCase {
  url: string;
  token: string;
  model: string;
  /** e.g. /shared/conformance/onnx/node/test_add */
  caseDir: string;
  binary?: boolean;
}

const bytesOf = async (path: string) => new Uint8Array(await (await fetch(path)).arrayBuffer());

function maxDiff(a: Tensor, b: Tensor): number {
  if (a.type !== b.type || a.dims.join() !== b.dims.join()) return NaN;
  const x = a.data as ArrayLike<number>;
  const y = b.data as ArrayLike<number>;
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

async function runCase(c: BridgeCase) {
  const model = await bytesOf(`${c.caseDir}/model.onnx`);
  const local = await InferenceSession.create(model, { backends: ['reference'] });
  const feeds: Record<string, Tensor> = {};
  for (const [i, name] of local.inputNames.entries()) feeds[name] = readTensorProto(await bytesOf(`${c.caseDir}/test_data_set_0/input_${i}.pb`));
  const remote = await BridgeSession.create(model, { backends: [{ url: c.url, token: c.token, model: c.model, binary: c.binary, retries: 0 }, 'reference'] });
  const got = await remote.run(feeds);
  const want = await local.run(feeds);
  const expected = readTensorProto(await bytesOf(`${c.caseDir}/test_data_set_0/output_0.pb`));
  const out = local.outputNames[0]!;
  return {
    summary: remote.backendSummary,
    engine: remote.remote?.engine,
    fallbacks: remote.fallbacks,
    declined: remote.assignments[0]?.declined,
    diffLocal: maxDiff(got[out]!, want[out]!),
    diffExpected: maxDiff(got[out]!, expected),
    isolated: globalThis.crossOriginIsolated,
  };
}

Object.assign(globalThis, { kilnBridge: { runCase } });
(globalThis as { ready?: boolean }).ready = true;
