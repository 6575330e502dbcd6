/** misc ops: schemas (attributes, shape inference, kernel params). */
import type { OpSchema } from './schema.js';

export const miscOps = {} satisfies Record<string, OpSchema<any, any>>;
