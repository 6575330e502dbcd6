/** Reference kernels: TFLite control flow, through the executor's subgraph runner. */
import { kernel, type KernelMap, type RuntimeValue } from '../../engine/backend.js';
import { KilnError } from '../../engine/errors.js';
import { toNumbers } from '../../engine/elements.js';
import { tfliteControlOps as ops, WHILE_LIMIT } from '../../engine/ops/tflite/control.js';
import { Tensor } from '../../engine/tensor.js';

const truthy = (v: RuntimeValue | undefined): boolean => {
  if (!(v instanceof Tensor) || v.size < 1) throw new KilnError('E_RUNTIME', 'the condition must be a tensor with one element');
  return toNumbers(v)[0] !== 0;
};

export const tfliteControlKernels: KernelMap = {
  'tflite.WHILE': kernel(ops['tflite.WHILE'], async (inputs, p, env) => {
    let vars = [...inputs] as RuntimeValue[];
    for (let i = 0; ; i++) {
      if (i >= WHILE_LIMIT) throw new KilnError('E_RUNTIME', `WHILE did not finish after ${WHILE_LIMIT} iterations`);
      const [c] = await env.runSubgraph(p.cond, vars);
      if (!truthy(c)) return vars;
      vars = await env.runSubgraph(p.body, vars);
    }
  }),
  'tflite.IF': kernel(ops['tflite.IF'], (inputs, p, env) => env.runSubgraph(truthy(inputs[0]) ? p.then : p.else, inputs.slice(1))),
  'tflite.CALL_ONCE': kernel(ops['tflite.CALL_ONCE'], async (_inputs, p, env) => {
    await env.runSubgraph(p.init, []);
    return [];
  }),
  'tflite.STABLEHLO_COMPOSITE': kernel(ops['tflite.STABLEHLO_COMPOSITE'], (inputs, p, env) => env.runSubgraph(p.graph, inputs)),
};
