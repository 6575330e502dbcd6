/** norm ops: schemas (attributes, shape inference, kernel params). */
import type { OpSchema } from './schema.js';

export const normOps = {} satisfies Record<string, OpSchema<any, any>>;
