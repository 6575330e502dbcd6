/** What the routes of a running host share. */
import type { EngineStatus } from './engines/types.js';
import type { ModelRepository } from './repository.js';

export interface HostContext {
  readonly repo: ModelRepository;
  readonly version: string;
  readonly extensions: readonly string[];
  readonly engines: readonly EngineStatus[];
  readonly maxBodyBytes: number;
  readonly maxTensorBytes: number;
  readonly timeoutMs: number;
  readonly allowUpload: boolean;
  readonly maxUploads: number;
}
