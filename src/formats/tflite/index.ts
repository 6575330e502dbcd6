/**
 * The TFLite reader: .tflite bytes → Kiln Model (see schema.ts for the format in brief, to-ir.ts for how
 * it maps onto the IR). Register it as a ModelFormat:
 *
 *   registerFormat({ name: 'tflite', extensions: ['.tflite'], sniff: looksLikeTflite, load: (b) => loadTflite(b) });
 */
import { AllocationBudget } from './flatbuffer.js';
import { readModel } from './schema.js';
import { modelToIR, type TfliteModel } from './to-ir.js';

export { AllocationBudget } from './flatbuffer.js';
export { looksLikeTflite, readModel } from './schema.js';
export type { TfliteModelRaw, SubGraphRaw, TensorRaw, OperatorRaw } from './schema.js';
export { builtinName } from './builtin-ops.js';
export { optionsName } from './options.js';
export { tfliteTypeName } from './tensors.js';
export { quantOf, type TfliteModel, type TfliteSignature } from './to-ir.js';

export interface TfliteLoadOptions {
  /** Lower the graph for this signature key (default: the first signature, if the file has any). */
  signature?: string;
  /** Lower this subgraph by index instead, with the file's own tensor names. */
  subgraph?: number;
  /** Reader allocation ceiling; defaults to 64× the file size plus 1 MiB. */
  budget?: AllocationBudget;
}

export async function loadTflite(bytes: Uint8Array, opts: TfliteLoadOptions = {}): Promise<TfliteModel> {
  const budget = opts.budget ?? AllocationBudget.forFile(bytes.byteLength);
  return modelToIR(readModel(bytes, budget), budget, { signature: opts.signature, subgraph: opts.subgraph });
}
