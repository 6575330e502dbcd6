/**
 * The page side of a session in a worker: starts the worker, creates the session there, and forwards
 * runs. Inputs move to the worker (their buffers are transferred; `keepInputs` copies instead) and
 * outputs move back. An aborted run is told to stop at the next node (shared flag, or a message).
 */
import * as Comlink from 'comlink';
import type { RuntimeValue } from '../engine/backend.js';
import { KilnError } from '../engine/errors.js';
import { registeredBackends } from '../engine/registry.js';
import type { Feeds, SessionProfile } from '../engine/session.js';
import { Tensor } from '../engine/tensor.js';
import type { ModelSource } from '../engine/source.js';
import { abortedError, absolute } from '../cache/index.js';
import { assetBase, spawnWorker, type WorkerSpec } from './assets.js';
import { FEATURES } from './env.js';
import type { RunArgs, SessionImpl } from './impl.js';
import type { LoadProgressEvent } from './loader.js';
import { fromWire, isDetached, toWire, unwrap, type SessionInfo, type WireSessionOptions, type WireSource, type WireValue, type WorkerApi } from './protocol.js';

export interface WorkerCreateOptions extends WireSessionOptions {
  readonly worker?: WorkerSpec;
  readonly assetBase?: string | URL;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: LoadProgressEvent) => void;
  readonly externalDataFn?: (location: string) => Uint8Array | Promise<Uint8Array>;
}

export async function createInWorker(source: ModelSource, opts: WorkerCreateOptions): Promise<SessionImpl> {
  const base = assetBase(opts.assetBase);
  const { worker, url } = spawnWorker(opts.worker, base);
  const api = Comlink.wrap<WorkerApi>(worker);
  // A worker that fails to load or dies says so only through 'error' events: turn them into a rejection.
  let fail!: (e: Error) => void;
  const died = new Promise<never>((_, reject) => (fail = reject));
  died.catch(() => undefined);
  let started = false;
  worker.addEventListener('error', (ev) => {
    const why = (ev as ErrorEvent).message || 'it failed to load or threw while starting';
    if (!started) {
      fail(new KilnError('E_IO', `the Kiln worker at ${url} did not start: ${why}. Serve ${url.split('/').pop()} next to the Kiln script, set { assetBase } or { worker: url }, or pass { worker: false } to run in this thread`, { worker: url }));
    }
  });
  const onAbort = () => fail(abortedError('loading the model'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (opts.signal?.aborted) throw abortedError('loading the model');
    const hello = unwrap(await Promise.race([api.hello({ assetBase: base }), died]));
    started = true;
    const names = (opts.backends ?? []).map((b) => (typeof b === 'string' ? b : b.name));
    const onlyHere = names.filter((b) => !hello.backends.includes(b) && registeredBackends().includes(b));
    if (onlyHere.length) {
      throw new KilnError('E_BACKEND_UNAVAILABLE', `backend(s) ${onlyHere.join(', ')} are registered in this thread but not in the worker (it has ${hello.backends.join(', ')}): ` +
        'register them in a worker script of your own that imports kiln/worker, and pass { worker: () => new Worker(…) }, or pass { worker: false }');
    }
    const { worker: _w, assetBase: _a, signal: _s, onProgress, externalDataFn, ...wire } = opts;
    const info = unwrap(await Promise.race([
      api.create(wireSource(source), wire, onProgress && Comlink.proxy(onProgress), externalDataFn && Comlink.proxy(async (loc: string) => externalDataFn(loc))),
      died,
    ]));
    return new WorkerSession(worker, api, info, died);
  } catch (e) {
    api[Comlink.releaseProxy]();
    worker.terminate();
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function wireSource(s: ModelSource): WireSource {
  if (typeof s === 'string' || s instanceof URL) return { kind: 'url', url: absolute(s) };
  if (s instanceof ArrayBuffer) return { kind: 'bytes', bytes: new Uint8Array(s) };
  if (s instanceof Uint8Array) return { kind: 'bytes', bytes: s.byteOffset === 0 && s.byteLength === s.buffer.byteLength ? s : s.slice() };
  return { kind: 'blob', blob: s };
}

let nextRun = 1;

/** A session dropped without release() still ends its worker once it is garbage-collected. */
const orphans = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Worker>((w) => w.terminate()) : undefined;

class WorkerSession implements SessionImpl {
  readonly inWorker = true;
  private released = false;

  constructor(private readonly worker: Worker, private readonly api: Comlink.Remote<WorkerApi>, public info: SessionInfo, private readonly died: Promise<never>) {
    orphans?.register(this, worker, this);
  }

  async run(feeds: Feeds, a: RunArgs): Promise<Record<string, RuntimeValue>> {
    if (this.released) throw new KilnError('E_RELEASED', 'this session was released');
    if (a.preferredOutputLocation === 'gpu-buffer') {
      throw new KilnError('E_INPUT_INVALID', "GPU-resident outputs cannot leave the worker: create the session with { worker: false } for preferredOutputLocation: 'gpu-buffer'");
    }
    const transfer = new Set<ArrayBuffer>();
    const wire: Record<string, WireValue> = {};
    for (const [name, v] of Object.entries(feeds ?? {})) {
      if (v instanceof Tensor && v.location !== 'cpu') {
        throw new KilnError('E_INPUT_INVALID', `input '${name}' lives in ${v.location}; a session in a worker takes CPU tensors (await tensor.toCpu()), or create it with { worker: false }`, { tensor: name });
      }
      if (isDetached(v)) {
        throw new KilnError('E_INPUT_INVALID', `input '${name}' is empty: an earlier run() moved its buffer to the worker. Make a new tensor, or pass { keepInputs: true } to run() to send copies`, { tensor: name });
      }
      wire[name] = toWire(v, transfer, a.keepInputs);
    }
    const id = nextRun++;
    const flag = FEATURES.sharedMemory ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
    // The flag is read between nodes with no message; the message aborts the run's AbortController.
    const onAbort = () => {
      if (flag) Atomics.store(flag, 0, 1);
      void this.api.abort(id);
    };
    a.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const req = { id, fetches: a.fetches, abortFlag: flag, abortable: a.signal !== undefined };
      const r = unwrap(await Promise.race([this.api.run(Comlink.transfer(wire, [...transfer]), req), this.died]));
      if (r.replanned) this.info = { ...this.info, ...r.replanned };
      return Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, fromWire(v)]));
    } finally {
      a.signal?.removeEventListener('abort', onAbort);
    }
  }

  async profile(): Promise<SessionProfile> {
    return unwrap(await this.api.profile());
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    orphans?.unregister(this);
    try {
      unwrap(await Promise.race([this.api.release(), this.died]));
    } finally {
      this.api[Comlink.releaseProxy]();
      this.worker.terminate();
    }
  }
}
