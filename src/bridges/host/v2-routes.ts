/**
 * The Open Inference Protocol's REST endpoints on the host:
 *
 *   GET  v2                                   server metadata (+ Kiln's `engines`: what runs here, what doesn't and why)
 *   GET  v2/health/live | v2/health/ready     200 or 400, empty body
 *   GET  v2/models/<m>[/versions/<v>][/ready] model metadata (+ `engine`: engine and provider) / model ready
 *   POST v2/models/<m>[/versions/<v>]/infer   JSON or binary tensor data
 *   POST v2/repository/index                  Triton's model repository extension: every model, state and reason
 *   POST v2/repository/models/<m>/load        uploads (--allow-upload): Triton's `file:<v>/model.onnx` parameter,
 *                                             and the name must be `sha256-<hex of the file>`
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEADER_LENGTH, VERSION_RE, decodeMessage, encodeMessage, isModelName, type InferRequest, type ModelMetadata } from '../protocol/v2.js';
import { toV2Datatype } from '../protocol/datatypes.js';
import { HttpError, parseJsonObject, readBody, send, sendJson } from './http-util.js';
import { checkInputs, checkOutputs, runQueued, servable, shapeOf } from './infer.js';
import type { HostContext } from './context.js';

const UPLOAD_KEY = /^file:([0-9]{1,18})\/model\.(onnx|tflite)$/;
const HASH_NAME = /^sha256-([0-9a-f]{64})$/;

function method(req: IncomingMessage, want: 'GET' | 'POST'): void {
  if (req.method !== want) throw new HttpError(405, `use ${want} here`, { allow: want });
}

export async function routeV2(ctx: HostContext, req: IncomingMessage, res: ServerResponse, seg: readonly string[]): Promise<void> {
  const [a, b, c, d, e, ...more] = seg;
  if (a === undefined) {
    method(req, 'GET');
    return sendJson(res, 200, { name: 'kiln', version: ctx.version, extensions: ctx.extensions, engines: ctx.engines });
  }
  if (a === 'health' && (b === 'live' || b === 'ready') && c === undefined) {
    method(req, 'GET');
    return send(res, b === 'live' || ctx.repo.ready ? 200 : 400, new Uint8Array(0), {});
  }
  if (a === 'models' && b !== undefined) {
    if (!isModelName(b)) throw new HttpError(400, 'invalid model name');
    let version: string | undefined;
    let action = c;
    if (c === 'versions') {
      if (d === undefined || !VERSION_RE.test(d)) throw new HttpError(400, 'invalid model version');
      version = d;
      action = e;
      if (more.length) throw new HttpError(404, 'no such endpoint');
    } else if (d !== undefined) throw new HttpError(404, 'no such endpoint');
    if (action === undefined) { method(req, 'GET'); return metadata(ctx, res, b, version); }
    if (action === 'ready') {
      method(req, 'GET');
      const mv = ctx.repo.find(b, version);
      if (!mv) throw new HttpError(404, `model '${b}' is not in this host's repository`);
      return send(res, mv.state === 'READY' ? 200 : 400, new Uint8Array(0), {});
    }
    if (action === 'infer') { method(req, 'POST'); return infer(ctx, req, res, b, version); }
    throw new HttpError(404, 'no such endpoint');
  }
  if (a === 'repository' && b === 'index' && c === undefined) {
    method(req, 'POST');
    const body = parseJsonObject(await readBody(req, 4096));
    const all = ctx.repo.index();
    return sendJson(res, 200, body.ready === true ? all.filter((m) => m.state === 'READY') : all);
  }
  if (a === 'repository' && b === 'models' && c !== undefined && d === 'load' && e === undefined) {
    method(req, 'POST');
    if (!isModelName(c)) throw new HttpError(400, 'invalid model name');
    return load(ctx, req, res, c);
  }
  throw new HttpError(404, 'no such endpoint');
}

function metadata(ctx: HostContext, res: ServerResponse, name: string, version: string | undefined): void {
  const { loaded } = servable(ctx.repo, name, version);
  const m: ModelMetadata = {
    name,
    versions: ctx.repo.versions(name),
    platform: loaded.platform,
    inputs: loaded.inputs.map((s) => ({ name: s.name, datatype: toV2Datatype(s.dtype), shape: shapeOf(s) })),
    outputs: loaded.outputs.map((s) => ({ name: s.name, datatype: toV2Datatype(s.dtype), shape: shapeOf(s) })),
    engine: { ...loaded.report },
  };
  sendJson(res, 200, m);
}

async function infer(ctx: HostContext, req: IncomingMessage, res: ServerResponse, name: string, version: string | undefined): Promise<void> {
  const { mv, loaded } = servable(ctx.repo, name, version);
  const body = await readBody(req, ctx.maxBodyBytes);
  const hl = req.headers[HEADER_LENGTH];
  if (hl !== undefined && !/^[0-9]{1,15}$/.test(String(hl))) throw new HttpError(400, 'bad Inference-Header-Content-Length');
  const msg = decodeMessage<InferRequest>(body, hl === undefined ? undefined : Number(hl), 'inputs', { maxTensorBytes: ctx.maxTensorBytes });
  const j = msg.json;
  if (j.id !== undefined && typeof j.id !== 'string') throw new HttpError(400, "'id' must be a string");
  if (j.parameters !== undefined && (j.parameters === null || typeof j.parameters !== 'object' || Array.isArray(j.parameters))) throw new HttpError(400, "'parameters' must be an object");
  if (j.outputs !== undefined && (!Array.isArray(j.outputs) || j.outputs.some((o) => o === null || typeof o !== 'object' || typeof o.name !== 'string'))) {
    throw new HttpError(400, "'outputs' must be an array of {name}");
  }
  const feeds = new Map(msg.tensors.map((t) => [t.name, t.tensor]));
  checkInputs(loaded.inputs, feeds);
  const wanted = checkOutputs(loaded.outputs, j.outputs?.map((o) => o.name));
  const result = await runQueued(mv, loaded, feeds, wanted, ctx.timeoutMs);
  const allBinary = j.parameters?.binary_data_output === true;
  const perOutput = new Map((j.outputs ?? []).map((o) => [o.name, o.parameters?.binary_data]));
  const out = wanted.map((n) => ({ name: n, tensor: result.get(n)!, binary: perOutput.get(n) === undefined ? allBinary : perOutput.get(n) === true }));
  const head: Record<string, unknown> = { model_name: name, model_version: mv.version };
  if (j.id !== undefined) head.id = j.id;
  const enc = encodeMessage(head, 'outputs', out);
  const headers: Record<string, string> = { 'content-type': enc.headerLength === undefined ? 'application/json' : 'application/octet-stream' };
  if (enc.headerLength !== undefined) headers[HEADER_LENGTH] = String(enc.headerLength);
  send(res, 200, enc.body, headers);
}

async function load(ctx: HostContext, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  if (!ctx.allowUpload) throw new HttpError(403, 'uploads are off on this host (start it with --allow-upload)');
  const body = parseJsonObject(await readBody(req, ctx.maxBodyBytes));
  const params = body.parameters ?? {};
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new HttpError(400, "'parameters' must be an object");
  const files = Object.entries(params as Record<string, unknown>).filter(([k]) => k.startsWith('file:'));
  const existing = ctx.repo.find(name);
  if (files.length === 0) {
    if (existing?.state === 'READY') return sendJson(res, 200, {});
    throw new HttpError(existing ? 503 : 404, existing ? `model '${name}' is ${existing.state}: ${existing.reason ?? ''}` : `model '${name}' is not in this host's repository; to upload one, send parameters 'file:1/model.onnx'`);
  }
  if (files.length !== 1) throw new HttpError(400, 'send exactly one model file');
  const [key, value] = files[0]!;
  const m = UPLOAD_KEY.exec(key);
  if (!m) throw new HttpError(400, `unsupported file '${key.slice(5, 100)}': send 'file:<version>/model.onnx' (or model.tflite)`);
  const h = HASH_NAME.exec(name);
  if (!h) throw new HttpError(400, 'uploaded models are named by their content: sha256-<hex sha-256 of the file>');
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw new HttpError(400, 'the file must be base64');
  const bytes = new Uint8Array(Buffer.from(value, 'base64'));
  if (createHash('sha256').update(bytes).digest('hex') !== h[1]) throw new HttpError(400, "the file's sha-256 does not match the model name");
  if (existing) {
    if (existing.state === 'READY') return sendJson(res, 200, {});
    throw new HttpError(400, `model '${name}' could not be loaded: ${existing.reason ?? existing.state}`);
  }
  if (ctx.repo.uploadCount >= ctx.maxUploads) throw new HttpError(507, `this host keeps at most ${ctx.maxUploads} uploaded models`);
  const mv = await ctx.repo.addUpload(name, String(Number(m[1])), { kind: m[2] as 'onnx' | 'tflite', bytes });
  if (mv.state !== 'READY') throw new HttpError(400, `model '${name}' could not be loaded: ${mv.reason ?? mv.state}`);
  sendJson(res, 200, {});
}
