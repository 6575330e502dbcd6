/**
 * What this JS engine can run, found once: WebAssembly.validate on tiny probe modules (SIMD128, relaxed
 * SIMD, shared memory + atomics) and whether SharedArrayBuffer is usable (in a page: cross-origin isolated).
 */

/** (func (result v128) v128.const 0) */
const SIMD_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, ...new Array<number>(16).fill(0), 11];
/** (func (result v128) f32x4.relaxed_madd(0, 0, 0)) */
const RELAXED_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, ...new Array<number>(16).fill(0), 253, 12, ...new Array<number>(16).fill(0), 253, 12, ...new Array<number>(16).fill(0),
  253, 133, 2, 11,
];
/** (memory 1 1 shared) (func (result i32) i32.atomic.load 0) */
const THREADS_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 10, 1, 8, 0, 65, 0, 254, 16, 2, 0, 11];

const validate = (bytes: number[]): boolean => {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
};

export interface WasmFeatures {
  readonly simd: boolean;
  readonly relaxedSimd: boolean;
  /** Shared WebAssembly memory and atomics validate. */
  readonly threads: boolean;
  /** SharedArrayBuffer exists and may be shared with workers (false in a page that is not cross-origin isolated). */
  readonly sharedMemory: boolean;
  /** Cores the platform reports (navigator.hardwareConcurrency or os.availableParallelism). */
  readonly cores: number;
  readonly isNode: boolean;
}

let cached: WasmFeatures | undefined;

export async function detectFeatures(): Promise<WasmFeatures> {
  if (cached) return cached;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  let cores = 1;
  if (isNode) {
    const os = await import('node:os');
    cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  } else if (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) {
    cores = navigator.hardwareConcurrency;
  }
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  const sharedMemory = typeof g.SharedArrayBuffer === 'function' && (isNode || g.crossOriginIsolated === true);
  cached = Object.freeze({
    simd: validate(SIMD_PROBE),
    relaxedSimd: validate(RELAXED_PROBE),
    threads: validate(THREADS_PROBE),
    sharedMemory,
    cores,
    isNode,
  });
  return cached;
}

/** Forgets the cached answer (tests that flip engine flags). */
export function resetFeatures(): void {
  cached = undefined;
}
