/**
 * The client's HTTP transport over `fetch` (browsers and Node alike): a deadline per call, the caller's
 * AbortSignal, the bearer token, and retries with exponential backoff — only for calls marked
 * idempotent (health, metadata, a content-addressed upload), never for an inference.
 *
 * Failures are KilnErrors: E_ABORTED when the caller aborted, E_IO with `details.transport` set to
 * 'unreachable' (no connection, or it broke) or 'timeout' (no complete answer before the deadline).
 * HTTP error statuses are not thrown here: callers read `status` and the v2 `{error}` body.
 */
import { KilnError } from '../../engine/errors.js';

export interface TransportOptions {
  /** Base URL of the host, e.g. http://127.0.0.1:8000 (a path prefix is kept). */
  readonly url: string;
  readonly token?: string;
  /** Deadline of one call, retries included (ms). */
  readonly timeoutMs: number;
  /** Extra attempts for idempotent calls. */
  readonly retries: number;
  /** First backoff delay (ms); doubles per attempt, with jitter. */
  readonly backoffMs?: number;
  readonly fetch?: typeof fetch;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpCall {
  readonly method: 'GET' | 'POST';
  /** Relative to the base URL, without a leading slash: 'v2/health/live'. */
  readonly path: string;
  readonly body?: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly idempotent?: boolean;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export type TransportFailure = 'unreachable' | 'timeout';

/** Statuses worth another try on an idempotent call: the host is starting, overloaded or behind a proxy that lost it. */
const RETRY_STATUS = new Set([502, 503, 504]);

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

export class Transport {
  private readonly base: string;
  constructor(readonly options: TransportOptions) {
    this.base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  }

  /** The URL a path resolves to (for messages). */
  urlOf(path: string): string {
    return new URL(path, this.base).href;
  }

  async call(c: HttpCall): Promise<HttpAnswer> {
    const o = this.options;
    const deadline = c.timeoutMs ?? o.timeoutMs;
    const fetchFn = o.fetch ?? globalThis.fetch.bind(globalThis);
    const url = this.urlOf(c.path);
    // One controller for the whole call: the caller's signal or the deadline ends every attempt and wait.
    const ctl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort(new Error('timeout'));
    }, deadline);
    const onAbort = () => ctl.abort(c.signal?.reason);
    if (c.signal?.aborted) onAbort();
    c.signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = { ...o.headers, ...c.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    const attempts = c.idempotent ? 1 + o.retries : 1;
    let last: unknown;
    try {
      for (let attempt = 0; attempt < attempts; attempt++) {
        if (attempt > 0) await sleep((o.backoffMs ?? 100) * 2 ** (attempt - 1) * (0.5 + Math.random() / 2), ctl.signal);
        if (ctl.signal.aborted) break;
        try {
          const res = await fetchFn(url, { method: c.method, headers, body: c.body as BodyInit | undefined, signal: ctl.signal, cache: 'no-store' });
          const body = new Uint8Array(await res.arrayBuffer());
          if (RETRY_STATUS.has(res.status) && attempt + 1 < attempts) {
            last = new KilnError('E_IO', `${c.method} ${url}: HTTP ${res.status}`, { transport: 'unreachable', status: res.status });
            continue;
          }
          return { status: res.status, headers: res.headers, body };
        } catch (e) {
          last = e;
          if (ctl.signal.aborted) break;
        }
      }
      if (c.signal?.aborted) throw new KilnError('E_ABORTED', `${c.method} ${url} was aborted`, {}, { cause: c.signal.reason });
      if (timedOut) throw new KilnError('E_IO', `${c.method} ${url}: no answer within ${deadline} ms`, { transport: 'timeout' satisfies TransportFailure });
      if (last instanceof KilnError) throw last;
      const why = last instanceof Error ? (last.cause instanceof Error ? `${last.message} (${last.cause.message})` : last.message) : String(last);
      throw new KilnError('E_IO', `${c.method} ${url}: ${why}`, { transport: 'unreachable' satisfies TransportFailure }, { cause: last });
    } finally {
      clearTimeout(timer);
      c.signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** The `error` string of a v2 (or TF Serving) error body, or the start of the body. */
export function errorText(a: HttpAnswer): string {
  const text = new TextDecoder().decode(a.body.subarray(0, 2000));
  try {
    const j = JSON.parse(text) as { error?: unknown };
    if (typeof j.error === 'string') return j.error;
  } catch {}
  return text.slice(0, 200) || `HTTP ${a.status}`;
}

/** Parses a JSON answer, or throws E_RUNTIME naming the call. */
export function jsonOf<T>(a: HttpAnswer, what: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(a.body)) as T;
  } catch (e) {
    throw new KilnError('E_RUNTIME', `${what}: the host answered with something that is not JSON (${(e as Error).message})`);
  }
}
