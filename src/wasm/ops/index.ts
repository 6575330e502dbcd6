/** Every wasm op, keyed like OP_TABLE (op type, or `domain.OpType`). */
import { convTransposeWasmOps } from './conv-transpose.js';
import { convWasmOps } from './conv.js';
import { elementwiseWasmOps } from './elementwise.js';
import { matmulWasmOps } from './matmul.js';
import { normWasmOps } from './norm.js';
import { poolWasmOps } from './pool.js';
import { quantWasmOps } from './quant.js';
import { reduceWasmOps } from './reduce.js';
import { resizeWasmOps } from './resize.js';
import { shapeWasmOps } from './shape.js';
import type { WasmOpTable } from './types.js';

export { ALIAS_OPS } from './shape.js';

export const WASM_OPS: WasmOpTable = {
  ...convWasmOps,
  ...convTransposeWasmOps,
  ...resizeWasmOps,
  ...matmulWasmOps,
  ...elementwiseWasmOps,
  ...poolWasmOps,
  ...normWasmOps,
  ...reduceWasmOps,
  ...quantWasmOps,
  ...shapeWasmOps,
};
