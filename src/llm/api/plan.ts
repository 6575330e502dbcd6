/**
 * LLM.plan: will this model run here, before downloading it? Reads only the GGUF header (range
 * requests for a URL, one read for a Blob or path), then reports the memory it needs (weights as
 * stored, KV cache for the context, scratch activations), whether that fits a budget, which backend
 * would run it (and why others would not), and what to shrink when it does not fit.
 */
import { KilnError } from '../../engine/errors.js';
import type { KvType } from '../../engine/llm-kernels.js';
import { openGguf, type GgufInput, type GgufOpenOptions } from '../../formats/gguf/index.js';
import { readConfig, type ModelConfig } from '../runner/config.js';
import { activationBytes, kvBytes } from '../runner/forward.js';
import { allSpecs, planWeights, vocabSize, weightBytes } from '../runner/tensors.js';
import { DEFAULT_BACKENDS, pickBackend, type BackendChoice, type BackendVerdict, type SoftwareGpuPolicy } from './backends.js';

export interface PlanOptions extends GgufOpenOptions {
  /** Bytes the model may use (weights + KV cache + scratch). */
  budgetBytes?: number;
  /** Default: the training context, at most 4096. */
  contextSize?: number;
  /** Default: the chosen backend's preferred KV type. */
  kvType?: KvType;
  batchSize?: number;
  backends?: readonly BackendChoice[];
  /** A software GPU adapter (SwiftShader) is tried last by default; 'allow' takes the list as given. */
  softwareGpu?: SoftwareGpuPolicy;
}

export interface PlanSuggestion {
  readonly message: string;
  readonly contextSize?: number;
  readonly kvType?: KvType;
}

export interface LlmPlan {
  readonly source: string;
  readonly fileBytes: number;
  readonly arch: string;
  readonly name?: string;
  /** False when the runner cannot run this architecture or its tensors; `reason` says why. */
  readonly supported: boolean;
  readonly reason?: string;
  readonly config?: ModelConfig;
  readonly weightTypes: Readonly<Record<string, number>>;
  readonly contextSize: number;
  readonly kvType: KvType;
  readonly weightBytes: number;
  readonly kvBytes: number;
  readonly activationBytes: number;
  readonly totalBytes: number;
  readonly budgetBytes?: number;
  /** Undefined without a budget. */
  readonly fits?: boolean;
  /** The backend that would run it, and each one's verdict. */
  readonly backend?: string;
  readonly backends: readonly BackendVerdict[];
  readonly suggestions: readonly PlanSuggestion[];
}

export const DEFAULT_CONTEXT = 4096;
export const DEFAULT_BATCH = 256;

export function defaultContext(cfg: ModelConfig, asked?: number): number {
  const ctx = asked ?? Math.min(cfg.contextTrain, DEFAULT_CONTEXT);
  if (!(Number.isInteger(ctx) && ctx > 0)) throw new KilnError('E_INPUT_INVALID', `contextSize must be a positive integer, got ${ctx}`);
  return ctx;
}

export async function planModel(source: GgufInput, o: PlanOptions = {}): Promise<LlmPlan> {
  const file = await openGguf(source, o);
  try {
    const arch = file.metadata.optString('general.architecture') ?? '(none)';
    const base = { source: file.shards[0]!.name, fileBytes: file.shards.reduce((n, s) => n + s.size, 0), arch, name: file.metadata.optString('general.name') };
    const types: Record<string, number> = {};
    for (const t of file.tensors) types[t.type] = (types[t.type] ?? 0) + 1;
    let cfg: ModelConfig;
    let specs;
    let ctx = o.contextSize ?? DEFAULT_CONTEXT;
    try {
      cfg = readConfig(file.metadata);
      ctx = defaultContext(cfg, o.contextSize);
      specs = planWeights(cfg, file, ctx);
    } catch (e) {
      if (!(e instanceof KilnError) || e.code === 'E_INPUT_INVALID') throw e;
      const bytes = file.tensors.reduce((n, t) => n + t.byteLength, 0);
      return { ...base, supported: false, reason: e.message, weightTypes: types, contextSize: ctx, kvType: o.kvType ?? 'f32', weightBytes: bytes, kvBytes: 0, activationBytes: 0, totalBytes: bytes, budgetBytes: o.budgetBytes, fits: o.budgetBytes === undefined ? undefined : bytes <= o.budgetBytes, backends: [], suggestions: [] };
    }
    const list = allSpecs(specs);
    let backend: string | undefined;
    let verdicts: BackendVerdict[] = [];
    let kvTypes: readonly KvType[] = ['f32'];
    try {
      const picked = await pickBackend(o.backends ?? DEFAULT_BACKENDS, list, o.softwareGpu);
      backend = picked.backend.name;
      verdicts = picked.verdicts;
      kvTypes = picked.kernels.info.kvTypes;
      if (!o.backends?.includes(picked.backend)) picked.backend.dispose?.();
    } catch (e) {
      if (!(e instanceof KilnError) || e.code !== 'E_BACKEND_UNAVAILABLE') throw e;
      verdicts = (e.details.verdicts as BackendVerdict[]) ?? [];
    }
    const kvType = o.kvType ?? kvTypes[0] ?? 'f32';
    const w = weightBytes(specs);
    const act = activationBytes(cfg, vocabSize(specs), o.batchSize ?? DEFAULT_BATCH);
    const kv = kvBytes(cfg, ctx, kvType);
    const total = w + kv + act;
    const budget = o.budgetBytes;
    const fits = budget === undefined ? undefined : total <= budget;
    const suggestions: PlanSuggestion[] = [];
    if (budget !== undefined && !fits) {
      const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
      if (w + act > budget) suggestions.push({ message: `the weights alone need ${mib(w)} (+ ${mib(act)} scratch) of the ${mib(budget)} budget: pick a smaller quantization or model` });
      else {
        if (kvType === 'f32' && kvTypes.includes('f16') && w + act + kvBytes(cfg, ctx, 'f16') <= budget) {
          suggestions.push({ kvType: 'f16', message: `an f16 KV cache (${mib(kvBytes(cfg, ctx, 'f16'))}) fits the budget at ${ctx} tokens` });
        }
        for (const t of kvType === 'f32' && kvTypes.includes('f16') ? (['f32', 'f16'] as const) : ([kvType] as const)) {
          const perToken = kvBytes(cfg, 1, t);
          const most = Math.floor((budget - w - act) / perToken);
          const room = most >= 256 ? most - (most % 256) : most;
          if (room >= 1) suggestions.push({ contextSize: room, kvType: t, message: `a context of ${room} tokens (${t} KV cache) fits the budget` });
        }
      }
    }
    return {
      ...base, supported: true, config: cfg, weightTypes: types, contextSize: ctx, kvType, weightBytes: w, kvBytes: kv, activationBytes: act,
      totalBytes: total, budgetBytes: budget, fits, backend, backends: verdicts, suggestions,
    };
  } finally {
    await file.close();
  }
}
