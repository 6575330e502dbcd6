/** The webgpu kernel map (op key → kernel) and the static type check `supports` runs when types are known. */
import type { ValueType } from '../engine/ir/types.js';
import { elemOf } from './dtypes.js';
import type { GpuKernel } from './kernel.js';
import { binaryKernels, miscKernels, unaryKernels, variadicKernels } from './programs/elementwise.js';
import { layoutKernels } from './programs/layout.js';
import { matmulKernels } from './programs/matmul.js';
import { convKernels } from './programs/conv.js';
import { reduceKernels } from './programs/reduce.js';
import { normKernels } from './programs/norm.js';
import { fusedKernels } from './programs/fused.js';
import { attentionKernels } from './programs/attention.js';
import { indexingKernels } from './programs/indexing.js';
import { resampleKernels } from './programs/resample.js';
import { scanKernels } from './programs/scan.js';

export const WEBGPU_KERNELS: Readonly<Record<string, GpuKernel>> = {
  ...unaryKernels,
  ...binaryKernels,
  ...variadicKernels,
  ...miscKernels,
  ...layoutKernels,
  ...matmulKernels,
  ...convKernels,
  ...reduceKernels,
  ...normKernels,
  ...fusedKernels,
  ...attentionKernels,
  ...indexingKernels,
  ...scanKernels,
  ...resampleKernels,
};

/** Ops that only move or compare 64-bit integers (which live as 32-bit on the GPU), never do arithmetic on them. */
const WIDE_OK = new Set([
  'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Transpose', 'Slice', 'Expand', 'Tile', 'Concat', 'Split',
  'Gather', 'Where', 'Cast', 'CastLike', 'Equal', 'Shape', 'Size', 'Pad', 'DepthToSpace', 'SpaceToDepth',
  'ArgMax', 'ArgMin', 'GatherElements', 'Scatter', 'ScatterElements', 'ScatterND',
]);

/** `true`, or why the node's static input types rule the GPU out. */
export function typeCheck(op: string, inputs: readonly (ValueType | undefined)[], f16: boolean): true | string {
  for (const [i, t] of inputs.entries()) {
    if (!t) continue;
    if (t.kind !== 'tensor') return `webgpu takes tensors only, not ${t.kind}s`;
    if (!elemOf(t.dtype, f16)) return `no GPU layout for ${t.dtype}${t.dtype === 'float16' ? ' (no shader-f16)' : ''}`;
    // Input 0 carries the data (later int64 inputs are axes, shapes or indices, or share input 0's type).
    if (i === 0 && (t.dtype === 'int64' || t.dtype === 'uint64') && !WIDE_OK.has(op)) return `${op} on ${t.dtype} would run in 32 bits`;
  }
  return true;
}
