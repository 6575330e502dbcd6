/** Kiln's fused ops (domain 'kiln'), made by the fusion pass: Conv/Gemm/MatMul with bias and activation. */
import type { OpSchema } from './schema.js';

export const fusedOps = {} satisfies Record<string, OpSchema<any, any>>;
