/**
 * Streams a model's weights into a backend, one tensor at a time, in file order: each tensor's bytes are
 * read (a view for in-memory files, one range read for Blob/URL/path sources), handed to
 * `kernels.weight`, and dropped. Peak host memory is one tensor beyond what the backend keeps.
 */
import { KilnError } from '../../engine/errors.js';
import type { LlmKernels, LlmWeight } from '../../engine/llm-kernels.js';
import type { GgufFile } from '../../formats/gguf/index.js';
import { allSpecs, type LayerWeights, type ModelWeights, type WeightSpec } from './tensors.js';

export interface LoadProgress {
  /** Bytes of weights uploaded so far, and in all. */
  readonly loaded: number;
  readonly total: number;
  /** The tensor just uploaded. */
  readonly tensor: string;
}

export async function uploadWeights(
  plan: ModelWeights<WeightSpec>,
  file: GgufFile,
  kernels: LlmKernels,
  opts: { onProgress?: (p: LoadProgress) => void; signal?: AbortSignal } = {},
): Promise<ModelWeights<LlmWeight>> {
  const specs = allSpecs(plan);
  const byTensor = new Map<string, WeightSpec[]>();
  for (const s of specs) byTensor.set(s.tensor, [...(byTensor.get(s.tensor) ?? []), s]);
  const order = [...byTensor.keys()].sort((a, b) => {
    const ta = file.tensorInfo(a);
    const tb = file.tensorInfo(b);
    return ta.shard - tb.shard || ta.fileOffset - tb.fileOffset;
  });
  const total = specs.reduce((n, s) => n + s.bytes, 0);
  const handles = new Map<WeightSpec, LlmWeight>();
  let loaded = 0;
  try {
    for (const name of order) {
      if (opts.signal?.aborted) throw new KilnError('E_ABORTED', 'loading the model was aborted');
      const bytes = await file.tensorBytes(name);
      const info = file.tensorInfo(name);
      const rowBytes = info.byteLength / (info.shape.length === 1 ? 1 : info.shape[0]!);
      for (const s of byTensor.get(name)!) {
        const data = bytes.subarray(s.rowOffset * rowBytes, s.rowOffset * rowBytes + s.bytes);
        const partName = s.rows === (info.shape.length === 1 ? 1 : info.shape[0]) ? name : `${name}[${s.rowOffset}:${s.rowOffset + s.rows}]`;
        handles.set(s, await kernels.weight({ name: partName, type: s.type, rows: s.rows, cols: s.cols, data }));
        loaded += s.bytes;
      }
      opts.onProgress?.({ loaded, total, tensor: name });
    }
  } catch (e) {
    for (const h of handles.values()) kernels.free(h);
    throw e;
  }
  const h = (s: WeightSpec): LlmWeight => handles.get(s)!;
  const opt = (s: WeightSpec | undefined): LlmWeight | undefined => (s ? h(s) : undefined);
  return {
    embed: h(plan.embed),
    outputNorm: h(plan.outputNorm),
    output: h(plan.output),
    ropeFactors: opt(plan.ropeFactors),
    layers: plan.layers.map((l) => {
      const out = {} as LayerWeights<LlmWeight>;
      for (const [k, s] of Object.entries(l)) if (s) (out as unknown as Record<string, LlmWeight>)[k] = h(s as WeightSpec);
      return out;
    }),
  };
}

/** Frees every distinct handle of loaded weights. */
export function freeWeights(w: ModelWeights<LlmWeight>, kernels: LlmKernels): void {
  const all = new Set<LlmWeight>([w.embed, w.outputNorm, w.output]);
  if (w.ropeFactors) all.add(w.ropeFactors);
  for (const l of w.layers) for (const x of Object.values(l)) if (x) all.add(x as LlmWeight);
  for (const x of all) kernels.free(x);
}
