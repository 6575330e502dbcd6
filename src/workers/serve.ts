/**
 * The worker side of the protocol: one LocalSession per worker, exposed through comlink as `WorkerApi`.
 * Aborts arrive two ways: a shared Int32 flag the page sets (read between nodes, no message needed), or
 * an `abort(id)` message that aborts the run's AbortController, which the engine checks before every
 * node; the message only lands because the engine yields between nodes during runs that have a signal.
 */
import * as Comlink from 'comlink';
import type { Endpoint } from 'comlink';
import { KilnError } from '../engine/errors.js';
import { registeredBackends, registeredFormats } from '../engine/registry.js';
import type { SessionProfile } from '../engine/session.js';
import type { ModelSource } from '../engine/source.js';
import { FEATURES } from './env.js';
import type { LoadProgressEvent } from './loader.js';
import { LocalSession } from './local.js';
import {
  fromWire, settle, toWire, type Result, type RunRequest, type RunResult, type SessionInfo, type WireSessionOptions,
  type WireSource, type WireValue, type WorkerApi, type WorkerHello,
} from './protocol.js';

/** Where the page said Kiln's assets are (for backends that fetch .wasm files). */
export let workerAssetBase: string | undefined;

export function serve(endpoint: Endpoint = globalThis as unknown as Endpoint): void {
  let session: LocalSession | undefined;
  /** One AbortController per run in flight, aborted by the page's message (or its shared flag). */
  const runs = new Map<number, AbortController>();
  const need = (): LocalSession => {
    if (!session) throw new KilnError('E_RELEASED', 'this worker holds no session (it was released, or create() failed)');
    return session;
  };

  const api: WorkerApi = {
    hello(config): Result<WorkerHello> {
      workerAssetBase = config.assetBase;
      return { ok: true, value: { backends: registeredBackends(), formats: registeredFormats().map((f) => f.name), features: FEATURES } };
    },

    create(source: WireSource, options: WireSessionOptions, onProgress?: (p: LoadProgressEvent) => void, externalData?: (loc: string) => Promise<Uint8Array>): Promise<Result<SessionInfo>> {
      return settle(async () => {
        if (session) throw new KilnError('E_INTERNAL', 'this worker already holds a session');
        const src: ModelSource = source.kind === 'url' ? source.url : source.kind === 'bytes' ? source.bytes : source.blob;
        const progress = onProgress && ((p: LoadProgressEvent) => void Promise.resolve(onProgress(p)).catch(() => undefined));
        try {
          session = await LocalSession.create(src, { ...options, externalData: options.externalData ?? externalData, onProgress: progress }, true);
        } finally {
          release(onProgress);
          release(externalData);
        }
        return session.info;
      });
    },

    async run(feeds: Readonly<Record<string, WireValue>>, req: RunRequest): Promise<Result<RunResult>> {
      const flag = req.abortFlag;
      const ac = new AbortController();
      runs.set(req.id, ac);
      const r = await settle(async () => {
        const s = need();
        const before = s.engine.fallbacks.length;
        const decoded = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, fromWire(v)]));
        const out = await s.run(decoded, {
          fetches: req.fetches,
          // With shared memory the page flips a flag the engine polls (no yielding needed); without it,
          // the page's abort message aborts `ac`, which the engine lets in by yielding between nodes.
          signal: req.abortable && !flag ? ac.signal : undefined,
          aborted: flag && (() => Atomics.load(flag, 0) !== 0),
          preferredOutputLocation: 'cpu',
        });
        const transfer = new Set<ArrayBuffer>();
        const outputs = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, toWire(v, transfer, false, s.pinned())]));
        const info = s.info;
        const replanned = s.engine.fallbacks.length !== before
          ? { assignments: info.assignments, backendSummary: info.backendSummary, fallbacks: info.fallbacks } : undefined;
        return { result: { outputs, replanned }, transfer };
      });
      runs.delete(req.id);
      if (!r.ok) return r;
      return Comlink.transfer({ ok: true, value: r.value.result }, [...r.value.transfer]);
    },

    abort(id: number): void {
      runs.get(id)?.abort();
    },

    profile(): Promise<Result<SessionProfile>> {
      return settle(() => need().profile());
    },

    release(): Promise<Result<void>> {
      return settle(async () => {
        const s = session;
        session = undefined;
        await s?.release();
      });
    },
  };
  Comlink.expose(api, endpoint);
}

function release(p: unknown): void {
  const r = (p as { [Comlink.releaseProxy]?: () => void } | undefined)?.[Comlink.releaseProxy];
  if (typeof r === 'function') r.call(p);
}
