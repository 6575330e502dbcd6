/** Every wasm op case, by family. */
import type { OpCase } from '../harness.js';
import { castCases } from './cast.js';
import { convCases, poolCases } from './conv.js';
import { elementwiseCases } from './elementwise.js';
import { f16Cases } from './f16.js';
import { matmulCases } from './matmul.js';
import { quantCases } from './quant.js';
import { resizeCases } from './resize.js';
import { shapeCases } from './shape.js';

export const ALL_CASES: Record<string, [string, OpCase][]> = {
  conv: convCases, pool: poolCases, matmul: matmulCases, elementwise: elementwiseCases, shape: shapeCases, resize: resizeCases, quant: quantCases, cast: castCases, f16: f16Cases,
};
