/** What the public InferenceSession delegates to: a session in this thread, or one in a worker. */
import type { RuntimeValue } from '../engine/backend.js';
import type { Model } from '../engine/ir/graph.js';
import type { Feeds, SessionProfile } from '../engine/session.js';
import type { LocalSession } from './local.js';
import type { SessionInfo } from './protocol.js';

export interface RunArgs {
  readonly fetches?: readonly string[];
  readonly signal?: AbortSignal;
  /** Copy input buffers instead of moving them to the worker. */
  readonly keepInputs: boolean;
  readonly preferredOutputLocation?: 'cpu' | 'gpu-buffer';
}

export interface SessionImpl {
  /** Static after creation, except placement after a device loss (run() refreshes it). */
  readonly info: SessionInfo;
  readonly inWorker: boolean;
  /** The graph, for sessions in this thread only. */
  readonly model?: Model;
  run(feeds: Feeds, args: RunArgs): Promise<Record<string, RuntimeValue>>;
  profile(): Promise<SessionProfile>;
  release(): Promise<void>;
}

export function localImpl(s: LocalSession): SessionImpl {
  return {
    get info() {
      return s.info;
    },
    inWorker: false,
    get model() {
      return s.model;
    },
    run: (feeds, a) => s.run(feeds, {
      fetches: a.fetches,
      signal: a.signal,
      preferredOutputLocation: a.preferredOutputLocation,
    }),
    profile: async () => s.profile(),
    release: () => s.release(),
  };
}
