/**
 * TensorFlow Serving's REST API on the host, over the same models:
 *
 *   GET  v1/models/<m>[/versions/<v>]            model status ({"model_version_status": [...]})
 *   GET  v1/models/<m>[/versions/<v>]/metadata   signature_def with dtypes and shapes
 *   POST v1/models/<m>[/versions/<v>]:predict    row ("instances") or column ("inputs") form
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TF_DTYPES, decodePredictRequest, encodePredictResponse } from '../protocol/tfserving.js';
import { VERSION_RE, isModelName } from '../protocol/v2.js';
import type { HostContext } from './context.js';
import { HttpError, parseJsonObject, readBody, sendJson } from './http-util.js';
import { checkInputs, checkOutputs, runQueued, servable } from './infer.js';
import type { IoSpec } from './engines/types.js';

const TF_STATE = { READY: 'AVAILABLE', LOADING: 'LOADING', UNAVAILABLE: 'END' } as const;

export async function routeTf(ctx: HostContext, req: IncomingMessage, res: ServerResponse, seg: readonly string[]): Promise<void> {
  // seg: after 'v1'. The verb rides on the last segment: 'name:predict' or '<v>:predict'.
  if (seg[0] !== 'models' || seg.length < 2) throw new HttpError(404, 'no such endpoint');
  const rest = [...seg.slice(1)];
  let verb: string | undefined;
  const last = rest[rest.length - 1]!;
  const colon = last.lastIndexOf(':');
  if (colon > 0) {
    verb = last.slice(colon + 1);
    rest[rest.length - 1] = last.slice(0, colon);
  }
  const [name, v1, version, extra, ...more] = rest;
  if (!name || !isModelName(name)) throw new HttpError(400, 'invalid model name');
  if (v1 !== undefined && v1 !== 'versions' && !(v1 === 'metadata' && version === undefined)) throw new HttpError(404, 'no such endpoint');
  if (v1 === 'versions' && (version === undefined || !VERSION_RE.test(version))) throw new HttpError(400, 'invalid model version');
  const isMeta = v1 === 'metadata' || extra === 'metadata';
  if (more.length || (extra !== undefined && extra !== 'metadata')) throw new HttpError(404, 'no such endpoint');
  const ver = v1 === 'versions' ? version : undefined;

  if (verb !== undefined) {
    if (verb !== 'predict' || isMeta) throw new HttpError(404, `unsupported method ':${verb}' (this host serves :predict)`);
    if (req.method !== 'POST') throw new HttpError(405, 'use POST here', { allow: 'POST' });
    const { mv, loaded } = servable(ctx.repo, name, ver);
    const body = parseJsonObject(await readBody(req, ctx.maxBodyBytes));
    const elements = Math.floor(ctx.maxTensorBytes / 4);
    const { format, tensors } = decodePredictRequest(body, loaded.inputs.map((i) => ({ name: i.name, type: i.dtype })), elements);
    checkInputs(loaded.inputs, tensors);
    const wanted = checkOutputs(loaded.outputs, undefined);
    const out = await runQueued(mv, loaded, tensors, wanted, ctx.timeoutMs);
    return sendJson(res, 200, encodePredictResponse(wanted.map((n) => ({ name: n, tensor: out.get(n)! })), format));
  }
  if (req.method !== 'GET') throw new HttpError(405, 'use GET here', { allow: 'GET' });
  if (isMeta) {
    const { mv, loaded } = servable(ctx.repo, name, ver);
    const sig = (list: readonly IoSpec[]) => Object.fromEntries(list.map((s) => [s.name, {
      dtype: TF_DTYPES[s.dtype] ?? 'DT_INVALID', name: s.name,
      tensor_shape: s.shape ? { dim: s.shape.map((d) => ({ size: String(d), name: '' })), unknown_rank: false } : { dim: [], unknown_rank: true },
    }]));
    return sendJson(res, 200, {
      model_spec: { name, signature_name: '', version: mv.version },
      metadata: { signature_def: { signature_def: { serving_default: { inputs: sig(loaded.inputs), outputs: sig(loaded.outputs), method_name: 'tensorflow/serving/predict' } } } },
    });
  }
  const versions = ver !== undefined ? [ctx.repo.find(name, ver)] : ctx.repo.versions(name).map((v) => ctx.repo.find(name, v));
  if (!versions.length || versions.some((m) => !m)) throw new HttpError(404, `model '${name}'${ver ? ` version ${ver}` : ''} is not in this host's repository`);
  sendJson(res, 200, {
    model_version_status: versions.map((m) => ({
      version: m!.version,
      state: TF_STATE[m!.state],
      status: { error_code: m!.state === 'READY' ? 'OK' : 'UNAVAILABLE', error_message: m!.reason ?? '' },
    })),
  });
}
