/**
 * The tflite-micro SEANet per-layer cases: 127 single-op 16x8-quantized models, each fed its input CSVs
 * (one line of comma-separated integers, row-major NHWC) and compared with its golden CSV. Upstream
 * accepts ±1 per element; Kiln aims for exact, and records a case as 'off-by-one' when it is not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, KilnError, Tensor } from '../../src/index.js';
import type { DType } from '../../src/engine/ir/dtype.js';
import { loadTflite } from '../../src/formats/tflite/index.js';

export const TFLITE_ROOT = new URL('../../../shared/conformance/tflite/', import.meta.url).pathname;
export const SEANET_DIR = join(TFLITE_ROOT, 'tflite-micro/integration_tests/seanet');

interface CsvRef { file: string; dtype: DType; shape: number[] }
export interface SeanetCase { name: string; model: string; op: string; inputs: CsvRef[]; golden: CsvRef }

export function seanetCases(): SeanetCase[] {
  const m = JSON.parse(readFileSync(join(SEANET_DIR, 'manifest.json'), 'utf8')) as { cases: SeanetCase[] };
  return m.cases;
}

export const readCsv = (file: string): number[] => readFileSync(file, 'utf8').trim().split(',').map(Number);

export type SeanetStatus = 'exact' | 'off-by-one' | 'fail' | 'error';
export interface SeanetResult { name: string; status: SeanetStatus; message?: string; ms: number }

export async function runSeanetCase(c: SeanetCase): Promise<SeanetResult> {
  const t0 = performance.now();
  try {
    const model = await loadTflite(new Uint8Array(readFileSync(join(SEANET_DIR, c.model))));
    const session = await InferenceSession.fromModel(model, { backends: ['reference'] });
    const feeds: Record<string, Tensor> = {};
    c.inputs.forEach((inp, k) => {
      feeds[session.inputNames[k]!] = new Tensor(inp.dtype, readCsv(join(SEANET_DIR, inp.file)), inp.shape);
    });
    const out = (await session.run(feeds))[session.outputNames[0]!]!;
    const want = readCsv(join(SEANET_DIR, c.golden.file));
    const ms = performance.now() - t0;
    if (out.type !== c.golden.dtype || out.dims.join(',') !== c.golden.shape.join(',')) {
      return { name: c.name, status: 'fail', message: `got ${out.type}[${out.dims}], expected ${c.golden.dtype}[${c.golden.shape}]`, ms };
    }
    const got = out.data as ArrayLike<number>;
    let worst = 0, at = -1, diffs = 0;
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(Number(got[i]) - want[i]!);
      if (d > 0) diffs++;
      if (d > worst) { worst = d; at = i; }
    }
    if (worst === 0) return { name: c.name, status: 'exact', ms };
    const message = `${diffs} of ${want.length} elements differ, worst ${worst} at [${at}]: ${got[at]} vs ${want[at]}`;
    return { name: c.name, status: worst <= 1 ? 'off-by-one' : 'fail', message, ms };
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { name: c.name, status: 'error', message: `${e instanceof KilnError ? '' : 'non-Kiln error: '}${message}`, ms: performance.now() - t0 };
  }
}
