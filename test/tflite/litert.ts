/**
 * The LiteRT model set (shared/conformance/tflite/litert): every model must load and run, or fail with
 * a KilnError that says why. Models with outputs in generated_refs/ (LiteRT.js 2.5.3 on CPU) are also
 * compared with them: integers within ±1, floats within 1e-5 absolute + 1e-3 relative (XNNPACK sums in
 * another order). Models without references run on inputs from the same generator.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, KilnError, Tensor } from '../../src/index.js';
import { fromNumbers, toNumbers } from '../../src/engine/elements.js';
import type { DType } from '../../src/engine/ir/dtype.js';
import { loadTflite } from '../../src/formats/tflite/index.js';
import { readCsv, TFLITE_ROOT } from './seanet.js';

export const LITERT_DIR = join(TFLITE_ROOT, 'litert');
const REFS_DIR = join(LITERT_DIR, 'generated_refs');
const FOLDERS = ['tflite_testdata', 'litert_test_testdata', 'java_testdata', 'quantization_testdata', 'python_testdata', 'js'];
/** Integer inputs the generator would make invalid (indices out of range, zero divisors) get this value. */
const INT_INPUT_VALUE: Record<string, number> = {
  'litert_test_testdata/simple_scatter_nd_op.tflite': 0,
  'litert_test_testdata/simple_floor_mod.tflite': 3,
};
/** Models whose inputs hold ~100M elements: upstream uses them to test loading only. */
const PARSE_ONLY = new Set(['tflite_testdata/conv_huge_im2col.bin', 'tflite_testdata/conv3d_huge_im2col.bin']);

export function litertCases(): string[] {
  return FOLDERS.flatMap((f) => readdirSync(join(LITERT_DIR, f)).filter((n) => /\.(bin|tflite|lite)$/.test(n)).map((n) => `${f}/${n}`)).sort();
}

interface RefIO { name: string; dtype: DType; shape: number[]; file: string }
interface RefCase { model: string; inputs: RefIO[]; outputs: RefIO[] }
let refs: Map<string, RefCase> | undefined;
function refFor(id: string): RefCase | undefined {
  if (!refs) {
    const m = JSON.parse(readFileSync(join(REFS_DIR, 'manifest.json'), 'utf8')) as { cases: RefCase[] };
    refs = new Map(m.cases.map((c) => [c.model.replace(/^\.\.\//, ''), c]));
  }
  return refs.get(id);
}

/** The generator of generated_refs: a 31-bit LCG per input, seeded 1 + input index. */
export function syntheticInput(k: number, dtype: DType, dims: readonly number[]): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  let x = 1 + k;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x = (Math.imul(1103515245, x) + 12345) >>> 0 & 0x7fffffff;
    const u = x / 2147483648;
    v[i] = dtype === 'float32' || dtype === 'float16' || dtype === 'float64' ? Math.fround(0.25 + 1.75 * u)
      : dtype === 'uint8' ? Math.floor(256 * u) : dtype === 'int8' ? Math.floor(256 * u) - 128
        : dtype === 'int16' ? Math.floor(65536 * u) - 32768 : dtype === 'bool' ? Number(u < 0.5) : Math.floor(4 * u);
  }
  if (dtype === 'string') return new Tensor('string', Array.from({ length: n }, (_, i) => `s${i}`), dims);
  return fromNumbers(dtype, v, dims);
}

export type LitertStatus = 'pass' | 'ran' | 'fail' | 'error' | 'load-only';
export interface LitertResult { id: string; status: LitertStatus; message?: string; ms: number }

function compare(got: Tensor | undefined, want: RefIO): string | undefined {
  if (!got) return `output '${want.name}' missing`;
  if (got.dims.join(',') !== want.shape.join(',')) return `output '${want.name}' dims [${got.dims}], expected [${want.shape}]`;
  const a = toNumbers(got);
  const b = readCsv(join(REFS_DIR, want.file));
  const isFloat = want.dtype.startsWith('float');
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    const ok = isFloat ? d <= 1e-5 + 1e-3 * Math.abs(b[i]!) || (Number.isNaN(a[i]) && Number.isNaN(b[i])) : d <= 1;
    if (!ok) return `output '${want.name}'[${i}] = ${a[i]}, reference ${b[i]}`;
  }
  return undefined;
}

export async function runLitertCase(id: string): Promise<LitertResult> {
  const t0 = performance.now();
  const done = (status: LitertStatus, message?: string): LitertResult => ({ id, status, message, ms: performance.now() - t0 });
  try {
    const model = await loadTflite(new Uint8Array(readFileSync(join(LITERT_DIR, id))));
    const session = await InferenceSession.fromModel(model, { backends: ['reference'] });
    if (PARSE_ONLY.has(id)) return done('load-only', 'parse-only model (about 100M input elements)');
    const ref = refFor(id);
    const feeds: Record<string, Tensor> = {};
    if (ref) {
      // References name inputs as LiteRT.js reported them; unnamed tensors are bound by position.
      ref.inputs.forEach((inp, k) => {
        const name = session.inputNames.includes(inp.name) ? inp.name : session.inputNames[k]!;
        feeds[name] = fromNumbers(inp.dtype, readCsv(join(REFS_DIR, inp.file)), inp.shape);
      });
    } else {
      session.inputMetadata.forEach((m, k) => {
        // Unknown rank: TFLite's default for an empty shape is a scalar. Symbolic dims get 1.
        const dims = (m.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
        const t = m.type ?? 'float32';
        const fixed = INT_INPUT_VALUE[id];
        feeds[m.name] = fixed !== undefined && t.startsWith('int') ? fromNumbers(t, new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(fixed), dims) : syntheticInput(k, t, dims);
      });
    }
    const out = await session.run(feeds);
    if (!ref) return done('ran');
    // LiteRT.js binds inputs by name: two unnamed inputs were both fed the second tensor there.
    if (new Set(ref.inputs.map((i) => i.name)).size < ref.inputs.length) return done('ran', 'reference unusable: LiteRT.js bound unnamed inputs by one name');
    for (const [k, o] of ref.outputs.entries()) {
      const why = compare(out[o.name] ?? (o.name ? undefined : out[session.outputNames[k]!]), o);
      if (why) return done('fail', why);
    }
    return done('pass');
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    return done('error', e instanceof KilnError ? msg : `non-Kiln ${(e as Error)?.name}: ${msg}`);
  }
}

export const isPass = (r: LitertResult): boolean => r.status === 'pass' || r.status === 'ran';
export const hasRefs = (id: string): boolean => refFor(id) !== undefined && existsSync(REFS_DIR);

interface ExpectedCase {
  model: string; signature?: string; tolerance_abs: number;
  inputs: { name: string; dtype: DType; shape: number[]; data: number[] }[];
  expected_outputs: { name: string; data: number[] }[];
}

/** The closed-form cases restated from LiteRT's own tests (js/expected.json, tflite_testdata/expected.json). */
export function expectedCases(): { id: string; folder: string; c: ExpectedCase }[] {
  return ['js', 'tflite_testdata'].flatMap((folder) => {
    const m = JSON.parse(readFileSync(join(LITERT_DIR, folder, 'expected.json'), 'utf8')) as { cases: ExpectedCase[] };
    return m.cases.map((c) => ({ id: `${folder}/${c.model}${c.signature ? `#${c.signature}` : ''}`, folder, c }));
  });
}

/** undefined when every expected output matches (float32 outputs: equal after rounding the expectation to float32, or within tolerance_abs). */
export async function runExpectedCase(folder: string, c: ExpectedCase): Promise<string | undefined> {
  const model = await loadTflite(new Uint8Array(readFileSync(join(LITERT_DIR, folder, c.model))), { signature: c.signature });
  const session = await InferenceSession.fromModel(model, { backends: ['reference'] });
  const feeds = Object.fromEntries(c.inputs.map((i) => [i.name, fromNumbers(i.dtype, i.data, i.shape)]));
  const out = await session.run(feeds);
  for (const [k, o] of c.expected_outputs.entries()) {
    // add.bin's case names its output by tensor name ('output') while its input uses the signature key.
    const t = out[o.name] ?? (c.expected_outputs.length === session.outputNames.length ? out[session.outputNames[k]!] : undefined);
    if (!t) return `no output '${o.name}' (outputs: ${session.outputNames.join(', ')})`;
    const got = toNumbers(t);
    if (got.length !== o.data.length) return `output '${o.name}' has ${got.length} elements, expected ${o.data.length}`;
    for (let i = 0; i < got.length; i++) {
      const want = t.type === 'float32' ? Math.fround(o.data[i]!) : o.data[i]!;
      if (!(Math.abs(got[i]! - want) <= c.tolerance_abs)) return `output '${o.name}'[${i}] = ${got[i]}, expected ${o.data[i]}`;
    }
  }
  return undefined;
}
