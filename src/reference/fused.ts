/**
 * Reference kernels of Kiln's fused ops: each is literally the composition of the reference kernels of
 * the ops it replaced (Conv, then Add, then the activation…), so fusion never changes what the reference
 * backend computes beyond float rounding.
 */
import type { Kernel, KernelEnv, KernelMap, RuntimeValue } from '../engine/backend.js';
import { kernel } from '../engine/backend.js';
import { fusedOps as ops, type Activation } from '../engine/ops/fused.js';
import { Tensor } from '../engine/tensor.js';
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import { matmulKernels } from './matmul.js';
import { normKernels } from './norm.js';

type Maybe<T> = T | Promise<T>;

async function one(k: Kernel<any>, inputs: readonly (RuntimeValue | undefined)[], params: unknown, env: KernelEnv): Promise<Tensor> {
  const out = await (k(inputs, params, env) as Maybe<RuntimeValue[]>);
  return out[0] as Tensor;
}

/** a + b with numpy broadcasting, through the reference Add. */
function add(a: Tensor, b: Tensor, env: KernelEnv): Promise<Tensor> {
  const r = Math.max(a.dims.length, b.dims.length);
  const pad = (d: readonly number[]) => [...new Array<number>(r - d.length).fill(1), ...d];
  const pa = pad(a.dims), pb = pad(b.dims);
  const outDims = pa.map((d, i) => (d === 1 ? pb[i]! : d));
  return one(elementwiseKernels.Add!, [a, b], { outDims, inDims: [a.dims, b.dims] }, env);
}

/** The ONNX activation op for an Activation, through its reference kernel. */
export async function applyActivation(x: Tensor, a: Activation, env: KernelEnv): Promise<Tensor> {
  const k = elementwiseKernels;
  switch (a.kind) {
    case 'none': return x;
    case 'Relu': return one(k.Relu!, [x], {}, env);
    case 'Clip': return one(k.Clip!, [x], { min: a.alpha, max: a.beta }, env);
    case 'Sigmoid': return one(k.Sigmoid!, [x], {}, env);
    case 'Tanh': return one(k.Tanh!, [x], {}, env);
    case 'Gelu': return one(k.Gelu!, [x], { approximate: 'none' }, env);
    case 'GeluTanh': return one(k.Gelu!, [x], { approximate: 'tanh' }, env);
    case 'HardSwish': return one(k.HardSwish!, [x], {}, env);
    case 'Silu': return one(k.Swish!, [x], { alpha: a.alpha }, env);
    case 'LeakyRelu': return one(k.LeakyRelu!, [x], { alpha: a.alpha }, env);
    case 'HardSigmoid': return one(k.HardSigmoid!, [x], { alpha: a.alpha, beta: a.beta }, env);
  }
}

export const fusedKernels: KernelMap = {
  'kiln.FusedConv': kernel(ops['kiln.FusedConv'], async (inputs, p, env) => {
    let y = await one(convKernels.Conv!, inputs.slice(0, 3), p, env);
    if (p.hasZ) y = await add(y, inputs[3] as Tensor, env);
    return [await applyActivation(y, p.activation, env)];
  }),

  'kiln.FusedGemm': kernel(ops['kiln.FusedGemm'], async (inputs, p, env) => {
    const y = await one(matmulKernels.Gemm!, inputs.slice(0, 3), p, env);
    return [await applyActivation(y, p.activation, env)];
  }),

  'kiln.FusedMatMul': kernel(ops['kiln.FusedMatMul'], async (inputs, p, env) => {
    let y = await one(matmulKernels.MatMul!, inputs.slice(0, 2), p, env);
    if (p.alpha !== 1) {
      const s = new Tensor(y.type, y.type === 'float64' ? new Float64Array([p.alpha]) : new Float32Array([p.alpha]), []);
      y = await one(elementwiseKernels.Mul!, [y, s], { outDims: y.dims, inDims: [y.dims, []] }, env);
    }
    if (p.hasBias) y = await add(y, inputs[2] as Tensor, env);
    if (p.hasZ) y = await add(y, inputs[3] as Tensor, env);
    return [await applyActivation(y, p.activation, env)];
  }),

  'kiln.Gelu': kernel(ops['kiln.Gelu'], (inputs, p, env) => elementwiseKernels.Gelu!(inputs, p, env)),

  'kiln.LayerNorm': kernel(ops['kiln.LayerNorm'], async (inputs, p, env) => [await one(normKernels.LayerNormalization!, inputs, p, env)]),
};
