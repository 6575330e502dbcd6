/** signal ops: schemas (attributes, shape inference, kernel params). */
import type { OpSchema } from './schema.js';

export const signalOps = {} satisfies Record<string, OpSchema<any, any>>;
