/** Every wasm op, keyed like OP_TABLE (op type, or `domain.OpType`). */
import { castWasmOps } from './cast.js';
import { convTransposeWasmOps } from './conv-transpose.js';
import { convWasmOps } from './conv.js';
import { elementwiseWasmOps } from './elementwise.js';
import { withF16 } from './f16.js';
import { matmulWasmOps } from './matmul.js';
import { normWasmOps } from './norm.js';
import { poolWasmOps } from './pool.js';
import { quantWasmOps } from './quant.js';
import { reduceWasmOps } from './reduce.js';
import { resizeWasmOps } from './resize.js';
import { shapeWasmOps } from './shape.js';
import type { WasmOpTable } from './types.js';

export { ALIAS_OPS } from './shape.js';

const TABLE: WasmOpTable = {
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
  ...castWasmOps,
};

/** Every op; the float32 ones (no dtypes of their own) also run float16 nodes (ops/f16.ts). */
export const WASM_OPS: WasmOpTable = Object.fromEntries(
  Object.entries(TABLE).map(([k, op]) => [k, op.dtypes === undefined ? withF16(op) : op]),
);
