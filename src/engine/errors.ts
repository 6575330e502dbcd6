/**
 * Every failure a user can cause is a KilnError with a stable `code` and a message that names the part
 * of the model (node, byte offset, tensor) at fault. Codes are part of the public API: never rename one.
 */
export type KilnErrorCode =
  | 'E_MODEL_MALFORMED' // the bytes are not a valid model file (bad varint, truncated message, …)
  | 'E_MODEL_INVALID' // the file parses but the graph breaks a rule (undefined input, cycle, bad attribute)
  | 'E_FORMAT_UNKNOWN' // no registered reader recognises the bytes
  | 'E_OP_UNSUPPORTED' // no backend asked can run some node
  | 'E_OPSET_UNSUPPORTED' // the model imports an opset newer than Kiln knows
  | 'E_TYPE_UNSUPPORTED' // a data type a kernel or reader does not handle
  | 'E_SHAPE_MISMATCH' // tensor shapes disagree with each other or with the model
  | 'E_INPUT_INVALID' // feeds/fetches passed to run() are wrong (missing, unknown name, wrong type)
  | 'E_EXTERNAL_DATA' // an external-data side file could not be found or is too short
  | 'E_BACKEND_UNAVAILABLE' // a backend was asked for that is not registered or cannot start here
  | 'E_RUNTIME' // a kernel failed while running (message names the node)
  | 'E_IO' // reading a file or URL failed
  | 'E_DEVICE_LOST'
  | 'E_QUOTA'
  | 'E_RELEASED' // the session was used after release()
  | 'E_ABORTED' // run() was aborted through its AbortSignal
  | 'E_INTERNAL'; // a bug in Kiln: please report it

export interface KilnErrorDetails {
  /** Node name (or op type when the node has no name). */
  node?: string;
  /** Byte offset in the model file. */
  offset?: number;
  /** Tensor or value name. */
  tensor?: string;
  /** Anything else worth keeping for tooling. */
  [key: string]: unknown;
}

export class KilnError extends Error {
  override readonly name = 'KilnError';
  constructor(
    readonly code: KilnErrorCode,
    message: string,
    readonly details: KilnErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(`[${code}] ${message}`, options);
  }
}

export function isKilnError(e: unknown): e is KilnError {
  return e instanceof KilnError;
}

/** Throws E_MODEL_INVALID (or the given code) when `cond` is false. */
export function check(cond: unknown, message: string | (() => string), code: KilnErrorCode = 'E_MODEL_INVALID', details?: KilnErrorDetails): asserts cond {
  if (!cond) throw new KilnError(code, typeof message === 'string' ? message : message(), details);
}
