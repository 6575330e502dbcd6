/**
 * Picking the backend that runs a model: the first, in the order asked, that is registered, has LLM
 * kernels (`backend.llm`), holds every weight type of the model and fits its largest tensor in one
 * buffer. Each refusal keeps its reason, for the error message and for LLM.plan. Kernels on a software
 * GPU (a fallback adapter, e.g. SwiftShader) are tried after the rest of the list unless the caller
 * says `softwareGpu: 'allow'`: an emulated GPU is many times slower than the wasm kernels.
 */
import type { Backend } from '../../engine/backend.js';
import { KilnError } from '../../engine/errors.js';
import type { LlmKernels } from '../../engine/llm-kernels.js';
import { createBackend } from '../../engine/registry.js';
import type { WeightSpec } from '../runner/tensors.js';

export type BackendChoice = string | Backend;

/** 'last' (default): a software GPU adapter runs the model only when nothing after it in the list can; 'allow': in list order. */
export type SoftwareGpuPolicy = 'last' | 'allow';

export const DEFAULT_BACKENDS: readonly string[] = ['webgpu', 'wasm', 'reference'];

export interface BackendVerdict {
  readonly name: string;
  readonly ok: boolean;
  readonly reason?: string;
  /** Passed over because its GPU adapter is a software fallback (softwareGpu: 'last'). */
  readonly software?: boolean;
}

/** The LLM kernels of a backend, if it has them (Backend gains `llm` as an optional member). */
export const llmKernelsOf = (b: Backend): LlmKernels | undefined => (b as { llm?: LlmKernels }).llm;

/** Why `k` cannot hold these weights, or undefined when it can. */
export function refusal(k: LlmKernels, specs: readonly WeightSpec[]): string | undefined {
  const types = new Set(k.info.weightTypes);
  const missing = [...new Set(specs.filter((s) => !types.has(s.type)).map((s) => s.type))];
  if (missing.length) return `its LLM kernels do not take ${missing.join(', ')} weights (they take ${[...types].join(', ')})`;
  const big = specs.reduce((a, s) => (s.bytes > a.bytes ? s : a), specs[0]!);
  if (big && big.bytes > k.info.maxBufferBytes) return `tensor '${big.tensor}' (${big.bytes} bytes) is over its ${k.info.maxBufferBytes}-byte buffer limit`;
  return undefined;
}

export interface PickedBackend {
  readonly backend: Backend;
  readonly kernels: LlmKernels;
  readonly verdicts: BackendVerdict[];
}

/** Creates backends in order until one can run the weights; those created and not chosen are disposed. */
export async function pickBackend(choices: readonly BackendChoice[], specs: readonly WeightSpec[], softwareGpu: SoftwareGpuPolicy = 'last'): Promise<PickedBackend> {
  const verdicts: BackendVerdict[] = [];
  let deferred: { backend: Backend; kernels: LlmKernels; owned: boolean; at: number } | undefined;
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i]!;
    const name = typeof c === 'string' ? c : c.name;
    let b: Backend;
    try {
      b = typeof c === 'string' ? await createBackend(c) : c;
    } catch (e) {
      verdicts.push({ name, ok: false, reason: e instanceof KilnError ? e.message.replace(/^\[\w+\] /, '') : String(e) });
      continue;
    }
    const k = llmKernelsOf(b);
    const why = k ? refusal(k, specs) : 'it has no LLM kernels';
    if (k && !why && k.info.software && softwareGpu === 'last' && !deferred && i < choices.length - 1) {
      deferred = { backend: b, kernels: k, owned: typeof c === 'string', at: verdicts.length };
      verdicts.push({ name, ok: false, reason: SOFTWARE_REASON, software: true });
      continue;
    }
    if (k && !why) {
      verdicts.push({ name, ok: true });
      if (deferred?.owned) deferred.backend.dispose?.();
      return { backend: b, kernels: k, verdicts };
    }
    verdicts.push({ name, ok: false, reason: why });
    if (typeof c === 'string') b.dispose?.();
  }
  if (deferred) {
    verdicts[deferred.at] = { name: deferred.backend.name, ok: true };
    return { backend: deferred.backend, kernels: deferred.kernels, verdicts };
  }
  const list = verdicts.map((v) => `${v.name}: ${v.reason}`).join('; ');
  throw new KilnError('E_BACKEND_UNAVAILABLE', `no backend can run this model (${list || 'no backends asked for'})`, { verdicts });
}

const SOFTWARE_REASON = 'its GPU adapter is a software fallback, slower than the CPU kernels';
