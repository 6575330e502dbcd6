/**
 * `kiln host`: a Node HTTP server speaking the Open Inference Protocol (and TensorFlow Serving's predict
 * API) over a model repository folder, running each model on an engine — ONNX Runtime (`ort`), Kiln's
 * own backends (`kiln`) or ExecuTorch (`executorch`).
 *
 * Secure by default: it binds 127.0.0.1; every request but a CORS preflight needs the bearer token;
 * browsers get CORS headers only for origins given in `allowOrigins` (requests from other origins are
 * refused); uploads are off unless `allowUpload`; bodies, tensors and run times are bounded; errors are
 * {"error": "..."} with a 4xx/5xx status and never a stack trace.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KilnError } from '../../engine/errors.js';
import type { HostContext } from './context.js';
import { executorchEngine } from './engines/executorch.js';
import { kilnEngine } from './engines/kiln.js';
import { ortEngine } from './engines/ort.js';
import type { EngineName, EngineStatus, HostEngine } from './engines/types.js';
import { HttpError, describeError, sendJson } from './http-util.js';
import { ModelRepository } from './repository.js';
import { routeTf } from './tf-routes.js';
import { tokenMatches } from './token.js';
import { routeV2 } from './v2-routes.js';

export interface HostOptions {
  /** The model repository folder. */
  readonly repo: string;
  /** The bearer token every request must carry (see token.ts for generating and storing one). */
  readonly token: string;
  /** Engine for .onnx models without a config.json saying otherwise (default 'ort'). */
  readonly engine?: EngineName;
  /** Providers of that engine, in order: ONNX Runtime EPs (cuda, tensorrt, coreml, cpu…) or Kiln backends. */
  readonly providers?: readonly string[];
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 8000; 0 picks a free one). */
  readonly port?: number;
  /** Origins (scheme://host:port) whose pages may call the host. */
  readonly allowOrigins?: readonly string[];
  readonly allowUpload?: boolean;
  /** Largest request body (default 64 MiB). */
  readonly maxBodyBytes?: number;
  /** Largest single tensor (default: maxBodyBytes). */
  readonly maxTensorBytes?: number;
  /** Deadline of one request, queueing and inference included (default 60 s). */
  readonly timeoutMs?: number;
  /** Uploaded models kept at most (default 16). */
  readonly maxUploads?: number;
  /** Reported in server metadata. */
  readonly version?: string;
  /** Python interpreter and environment for the executorch engine. */
  readonly python?: string;
  readonly pythonEnv?: NodeJS.ProcessEnv;
  /** Replaces the built-in engines (tests). */
  readonly engines?: readonly HostEngine[];
  readonly onEvent?: (e: HostEvent) => void;
}

export type HostEvent =
  | { readonly type: 'request'; readonly id: number; readonly method: string; readonly path: string }
  | { readonly type: 'response'; readonly id: number; readonly method: string; readonly path: string; readonly status: number; readonly ms: number }
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'internal-error'; readonly message: string };

export interface RunningHost {
  readonly url: string;
  readonly port: number;
  readonly repo: ModelRepository;
  readonly engines: readonly EngineStatus[];
  close(): Promise<void>;
}

const CORS_ALLOW_HEADERS = 'authorization, content-type, inference-header-content-length';

export async function startHost(o: HostOptions): Promise<RunningHost> {
  if (!o.token || o.token.length < 16) throw new KilnError('E_INPUT_INVALID', 'the host needs a bearer token of at least 16 characters');
  const emit = o.onEvent ?? (() => {});
  const log = (message: string) => emit({ type: 'log', message });
  const engineName = o.engine ?? 'ort';
  const engines = o.engines ?? [ortEngine(engineName === 'ort' ? o.providers : undefined), kilnEngine(engineName === 'kiln' ? o.providers : undefined), executorchEngine({ python: o.python, env: o.pythonEnv })];
  const byName = new Map(engines.map((e) => [e.name, e]));
  if (!byName.has(engineName)) throw new KilnError('E_INPUT_INVALID', `unknown engine '${engineName}' (ort, kiln, executorch)`);
  const statuses = await Promise.all(engines.map((e) => e.status()));
  for (const s of statuses) log(`engine ${s.name}: ${s.available ? `available (${(s.providers ?? []).filter((p) => p.available).map((p) => p.name).join(', ')})` : `unavailable: ${s.reason}`}`);
  const repo = new ModelRepository(o.repo, byName, engineName, o.providers, log);
  const maxBodyBytes = o.maxBodyBytes ?? 64 * 2 ** 20;
  const ctx: HostContext = {
    repo,
    version: o.version ?? '0',
    extensions: ['binary_tensor_data', 'model_repository', ...(o.allowUpload ? ['model_upload'] : []), 'tfserving_predict', 'kiln_engines'],
    engines: statuses,
    maxBodyBytes,
    maxTensorBytes: o.maxTensorBytes ?? maxBodyBytes,
    timeoutMs: o.timeoutMs ?? 60_000,
    allowUpload: o.allowUpload ?? false,
    maxUploads: o.maxUploads ?? 16,
  };
  const origins = new Set(o.allowOrigins ?? []);
  let nextId = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const id = ++nextId;
    const t0 = performance.now();
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    emit({ type: 'request', id, method, path });
    res.on('finish', () => emit({ type: 'response', id, method, path, status: res.statusCode, ms: performance.now() - t0 }));
    try {
      const origin = req.headers.origin;
      if (origin !== undefined) {
        if (!origins.has(origin)) throw new HttpError(403, `origin ${origin.slice(0, 100)} is not allowed (start the host with --allow-origin ${origin.slice(0, 100)})`);
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('vary', 'Origin');
        res.setHeader('access-control-expose-headers', 'inference-header-content-length');
      }
      if (method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': CORS_ALLOW_HEADERS, 'access-control-max-age': '600' });
        res.end();
        return;
      }
      if (!tokenMatches(req.headers.authorization, o.token)) throw new HttpError(401, 'a valid bearer token is required (Authorization: Bearer <token>)', { 'www-authenticate': 'Bearer realm="kiln"' });
      let seg: string[];
      try {
        seg = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
      } catch {
        throw new HttpError(400, 'malformed URL');
      }
      if (seg[0] === 'v2') await routeV2(ctx, req, res, seg.slice(1));
      else if (seg[0] === 'v1') await routeTf(ctx, req, res, seg.slice(1));
      else throw new HttpError(404, 'no such endpoint');
    } catch (e) {
      const d = describeError(e);
      if (d.internal) emit({ type: 'internal-error', message: d.internal });
      sendJson(res, d.status, { error: d.message }, d.headers);
    }
  };

  const server = createServer({ requestTimeout: ctx.timeoutMs, headersTimeout: Math.min(ctx.timeoutMs, 30_000) }, (req, res) => void handle(req, res));
  server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
    const timeout = e.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const body = timeout ? '{"error":"the request was not received in time"}' : '{"error":"malformed request"}';
    if (socket.writable) socket.end(`HTTP/1.1 ${timeout ? '408 Request Timeout' : '400 Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    else socket.destroy();
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new KilnError('E_IO', `cannot listen on ${host}:${o.port ?? 8000}: ${e.message}`)));
    server.listen(o.port ?? 8000, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  await repo.scan();
  return {
    url,
    port,
    repo,
    engines: statuses,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await repo.close();
    },
  };
}
