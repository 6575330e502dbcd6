/**
 * What every inference route shares: finding a servable model, checking request tensors against its
 * signature before any engine sees them, and running it through the model's queue under the
 * per-request deadline.
 */
import type { Tensor } from '../../engine/tensor.js';
import { HttpError } from './http-util.js';
import type { ModelRepository, ModelVersion } from './repository.js';
import type { IoSpec, LoadedModel } from './engines/types.js';

/** The model version a request names, or 404; UNAVAILABLE models are 503 with the reason. */
export function servable(repo: ModelRepository, name: string, version: string | undefined): { mv: ModelVersion; loaded: LoadedModel } {
  const mv = repo.find(name, version);
  if (!mv) throw new HttpError(404, `model '${name}'${version ? ` version ${version}` : ''} is not in this host's repository`);
  if (mv.state !== 'READY' || !mv.loaded) throw new HttpError(503, `model '${name}' version ${mv.version} is ${mv.state}${mv.reason ? `: ${mv.reason}` : ''}`);
  return { mv, loaded: mv.loaded };
}

/** Checks names, dtypes and shapes of the request's tensors against the model's declared inputs. */
export function checkInputs(specs: readonly IoSpec[], tensors: ReadonlyMap<string, Tensor>): void {
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const [name, t] of tensors) {
    const s = byName.get(name);
    if (!s) throw new HttpError(400, `'${name}' is not an input of this model; inputs: ${specs.map((x) => x.name).join(', ')}`);
    if (s.dtype !== t.type) throw new HttpError(400, `input '${name}' must be ${s.dtype}, got ${t.type}`);
    if (s.shape && s.shape.length > 0) {
      const ok = s.shape.length === t.dims.length && s.shape.every((d, i) => d < 0 || d === t.dims[i]);
      if (!ok) throw new HttpError(400, `input '${name}' must have shape [${s.shape.join(',')}] (-1: any), got [${t.dims.join(',')}]`);
    }
  }
  const missing = specs.filter((s) => !tensors.has(s.name)).map((s) => s.name);
  if (missing.length) throw new HttpError(400, `missing input(s): ${missing.join(', ')}`);
}

/** Output names a request asks for (all by default), each checked. */
export function checkOutputs(specs: readonly IoSpec[], asked: readonly string[] | undefined): string[] {
  if (!asked) return specs.map((s) => s.name);
  const known = new Set(specs.map((s) => s.name));
  for (const n of asked) if (!known.has(n)) throw new HttpError(400, `'${n}' is not an output of this model; outputs: ${[...known].join(', ')}`);
  return [...new Set(asked)];
}

/** Runs after the model's earlier runs; past the deadline the request fails with 503 (the run is abandoned). */
export function runQueued(mv: ModelVersion, loaded: LoadedModel, feeds: ReadonlyMap<string, Tensor>, wanted: readonly string[], timeoutMs: number): Promise<Map<string, Tensor>> {
  const ctl = new AbortController();
  const job = mv.queue.then(() => {
    if (ctl.signal.aborted) throw new HttpError(503, 'the request timed out while queued');
    return loaded.run(feeds, wanted, ctl.signal);
  });
  mv.queue = job.catch(() => undefined);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ctl.abort();
      reject(new HttpError(503, `inference did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    job.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** v2 metadata shape of an IoSpec: unknown dims are -1, an unknown rank is []. */
export const shapeOf = (s: IoSpec): number[] => [...(s.shape ?? [])];
