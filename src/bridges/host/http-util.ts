/**
 * The host's HTTP plumbing: bounded body reading, v2 error bodies, status codes for KilnErrors.
 * Errors reach clients as {"error": "<message>"} with a 4xx/5xx status, never with a stack trace;
 * anything that is not a KilnError or HttpError is a bug and answers a bare 500 "internal error".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KilnError, type KilnErrorCode } from '../../engine/errors.js';

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

const STATUS: Partial<Record<KilnErrorCode, number>> = {
  E_INPUT_INVALID: 400, E_SHAPE_MISMATCH: 400, E_TYPE_UNSUPPORTED: 400, E_MODEL_MALFORMED: 400, E_MODEL_INVALID: 400,
  E_FORMAT_UNKNOWN: 400, E_OP_UNSUPPORTED: 400, E_OPSET_UNSUPPORTED: 400, E_EXTERNAL_DATA: 400,
  E_QUOTA: 413, E_BACKEND_UNAVAILABLE: 503, E_ABORTED: 503, E_DEVICE_LOST: 503,
  E_RUNTIME: 500,
};

/** Status and client-facing message of any error; `internal` is set for bugs (log them, don't send them). */
export function describeError(e: unknown): { status: number; message: string; headers: Record<string, string>; internal?: string } {
  if (e instanceof HttpError) return { status: e.status, message: e.message, headers: e.headers };
  if (e instanceof KilnError) return { status: STATUS[e.code] ?? 500, message: e.message.replace(/^\[[A-Z_]+\] /, ''), headers: {} };
  return { status: 500, message: 'internal error', headers: {}, internal: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(body === undefined ? '' : JSON.stringify(body));
  send(res, status, bytes, { 'content-type': 'application/json', ...headers });
}

export function send(res: ServerResponse, status: number, body: Uint8Array, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-length': String(body.byteLength), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

/**
 * Reads the whole body, refusing more than `limit` bytes with 413. A body over the limit is drained (up to
 * 4× the limit; past that the 413 goes out at once and the connection closes after it) so that the client
 * reads the 413 rather than a reset connection.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && !/^[0-9]+$/.test(declared)) return reject(new HttpError(400, 'bad Content-Length'));
    const tooBig = () => new HttpError(413, `the body is larger than the limit of ${limit} bytes`, { connection: 'close' });
    let over = declared !== undefined && Number(declared) > limit;
    // Far too big: answer at once (the 413 says 'Connection: close'; the rest of the body is never read).
    if (over && Number(declared) > 4 * limit) {
      req.pause();
      return reject(tooBig());
    }
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (c: Buffer) => {
      total += c.byteLength;
      if (total > limit) {
        over = true;
        chunks.length = 0;
        if (total > 4 * limit) {
          req.pause();
          reject(tooBig());
        }
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => (over ? reject(tooBig()) : resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))));
    req.on('error', (e) => reject(new HttpError(400, `reading the body failed: ${e.message}`)));
    req.on('aborted', () => reject(new HttpError(400, 'the client went away')));
  });
}

/** Parses a JSON body (already read) into an object, or 400. */
export function parseJsonObject(body: Uint8Array): Record<string, unknown> {
  let j: unknown;
  try {
    j = body.byteLength ? JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) : {};
  } catch (e) {
    throw new HttpError(400, `the body is not valid JSON: ${(e as Error).message}`);
  }
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new HttpError(400, 'the body must be a JSON object');
  return j as Record<string, unknown>;
}
