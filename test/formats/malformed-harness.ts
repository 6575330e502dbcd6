/**
 * The shared body of the seeded malformed-file tests (ONNX, TFLite, GGUF): every generated mutation must
 * end in a KilnError — or, for random bit flips only, a clean load — quickly, without a non-Kiln
 * exception, and without holding on to much more memory than the file's size.
 */
import { expect, it } from 'vitest';
import { KilnError } from '../../src/index.js';

export interface MalformedCase<K extends string = string> {
  readonly name: string;
  /** 'flip' cases may happen to stay valid; every other kind must be rejected. */
  readonly kind: K | 'flip';
  readonly bytes: Uint8Array;
}

/** Runs `load`, turning a KilnError into the value and letting anything else propagate. */
export async function outcome(load: () => unknown): Promise<'ok' | KilnError> {
  try {
    await load();
    return 'ok';
  } catch (e) {
    if (e instanceof KilnError) return e;
    throw e;
  }
}

/** Declares the two tests: at least `minMustFail` must-fail cases, and every case handled cleanly. */
export function malformedSuite<K extends string>(cases: readonly MalformedCase<K>[], load: (bytes: Uint8Array) => unknown, minMustFail = 200): void {
  it(`the generator makes at least ${minMustFail} must-fail cases`, () => {
    expect(cases.filter((c) => c.kind !== 'flip').length).toBeGreaterThanOrEqual(minMustFail);
  });

  it('every mutation gives a KilnError (or, for bit flips only, a clean load), quickly and within memory', async () => {
    const problems: string[] = [];
    const counts: Record<string, number> = {};
    for (const c of cases) {
      const before = process.memoryUsage();
      const t0 = performance.now();
      let r: 'ok' | KilnError;
      try {
        r = await outcome(() => load(c.bytes));
      } catch (e) {
        problems.push(`${c.name}: threw a non-Kiln ${(e as Error).name}: ${(e as Error).message}`);
        continue;
      }
      const ms = performance.now() - t0;
      const after = process.memoryUsage();
      const grown = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
      if (ms > 5000) problems.push(`${c.name}: took ${ms.toFixed(0)} ms`);
      if (grown > 64 * c.bytes.byteLength + (32 << 20)) problems.push(`${c.name}: memory grew ${grown} bytes for a ${c.bytes.byteLength}-byte file`);
      if (r === 'ok' && c.kind !== 'flip') problems.push(`${c.name}: loaded without error`);
      const key = r === 'ok' ? `${c.kind}: ok` : `${c.kind}: ${r.code}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    console.log(JSON.stringify(counts));
    expect(problems).toEqual([]);
    const rejected = Object.entries(counts).filter(([k]) => !k.endsWith(': ok')).reduce((s, [, n]) => s + n, 0);
    expect(rejected).toBeGreaterThanOrEqual(minMustFail);
  });
}
