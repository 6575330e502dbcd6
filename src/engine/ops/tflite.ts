/** TFLite builtin ops (domain 'tflite'): schemas with TFLite's own semantics (NHWC, fused activations, integer arithmetic). */
import type { OpSchema } from './schema.js';

export const tfliteOps = {} satisfies Record<string, OpSchema<any, any>>;
