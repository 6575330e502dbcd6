/**
 * ONNX backend conformance runner: loads each test's model.onnx, feeds its input_*.pb, runs it on the
 * chosen backend and compares with output_*.pb (rtol 1e-3, atol 1e-7 unless tolerances.json says why
 * a test needs more). `backend` may list fallbacks, e.g. 'wasm,reference': each result records how many
 * nodes ran on which backend.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, KilnError, Tensor, type RuntimeValue, type ValueType } from '../../src/index.js';
import { toNumbers } from '../../src/engine/elements.js';
import { readOptionalProto, readSequenceProto, readTensorProto } from '../../src/formats/onnx/index.js';
import { loadOnnx } from '../../src/formats/onnx/index.js';
import randomCases from './random-cases.json' with { type: 'json' };
import tolerances from './tolerances.json' with { type: 'json' };

export const CONFORMANCE_ROOT = new URL('../../../shared/conformance/onnx/', import.meta.url).pathname;
export const FOLDERS = ['node', 'simple', 'pytorch-converted', 'pytorch-operator', 'light'] as const;
export type Folder = (typeof FOLDERS)[number];

export type Status = 'pass' | 'fail' | 'error';
export interface CaseResult {
  readonly id: string; // "node/test_add"
  readonly status: Status;
  readonly message?: string;
  readonly code?: string;
  readonly ms: number;
  /** Backend name → nodes it ran (when the session was created). */
  readonly ranOn?: Readonly<Record<string, number>>;
}

interface Tolerance { rtol: number; atol: number; reason: string }
const TOLERANCES = tolerances as Record<string, Tolerance>;
const DEFAULT_TOL = { rtol: 1e-3, atol: 1e-7 };

/** All case ids of a folder, sorted. */
export function listCases(folder: Folder): string[] {
  const dir = join(CONFORMANCE_ROOT, folder);
  if (folder === 'light') {
    return readdirSync(dir).filter((f) => f.endsWith('.onnx')).map((f) => `light/${f.replace(/\.onnx$/, '')}`).sort();
  }
  return readdirSync(dir).filter((f) => f.startsWith('test_')).map((f) => `${folder}/${f}`).sort();
}

export async function runCase(id: string, backend: string): Promise<CaseResult> {
  const t0 = performance.now();
  const backends = backend.split(',');
  const ran: { summary?: Record<string, number> } = {};
  try {
    const msg = id.startsWith('light/') ? await runLight(id, backends, ran) : await runTestDir(id, backends, ran);
    return { id, status: msg ? 'fail' : 'pass', message: msg, ms: performance.now() - t0, ranOn: ran.summary };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { id, status: 'error', message: message.split('\n').slice(0, 6).join('\n'), code: e instanceof KilnError ? e.code : undefined, ms: performance.now() - t0, ranOn: ran.summary };
  }
}

function readValue(bytes: Uint8Array, type: ValueType | undefined): RuntimeValue {
  if (type?.kind === 'sequence') return readSequenceProto(bytes);
  if (type?.kind === 'optional') {
    return type.elem?.kind === 'sequence' ? readOptionalProto(bytes) : readOptionalProto(bytes);
  }
  return readTensorProto(bytes);
}

async function runTestDir(id: string, backends: string[], ran: { summary?: Record<string, number> }): Promise<string | undefined> {
  const dir = join(CONFORMANCE_ROOT, id);
  const bytes = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
  const model = await loadOnnx(bytes, { externalData: (loc) => new Uint8Array(readFileSync(join(dir, loc))) });
  const g = model.graph;
  // Declared types decide how each .pb is read (TensorProto, SequenceProto or OptionalProto).
  const inputs = g.inputs.filter((i) => !g.initializers.has(i.name));
  const outputs = g.outputs.map((o) => ({ name: o.name, type: o.type }));
  const session = await InferenceSession.fromModel(model, { backends });
  ran.summary = { ...session.backendSummary };
  const data = join(dir, 'test_data_set_0');
  const feeds: Record<string, RuntimeValue> = {};
  inputs.forEach((inp, i) => {
    const f = join(data, `input_${i}.pb`);
    if (existsSync(f)) feeds[inp.name] = readValue(new Uint8Array(readFileSync(f)), inp.type);
  });
  const got = await session.runValues(feeds);
  const tol = TOLERANCES[id] ?? DEFAULT_TOL;
  const random = (randomCases as Record<string, { check: string; reason: string }>)[id];
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i]!;
    const expected = readValue(new Uint8Array(readFileSync(join(data, `output_${i}.pb`))), o.type);
    const diff = random ? compareRandom(got[o.name], expected, random.check) : compareValues(got[o.name], expected, tol);
    if (diff) return `output '${o.name}': ${diff}`;
  }
  await session.release();
  return undefined;
}

async function runLight(id: string, backends: string[], ran: { summary?: Record<string, number> }): Promise<string | undefined> {
  const name = id.slice('light/'.length);
  const dir = join(CONFORMANCE_ROOT, 'light');
  const session = await InferenceSession.create(join(dir, `${name}.onnx`), { backends });
  ran.summary = { ...session.backendSummary };
  const meta = session.inputMetadata[0]!;
  const dims = (meta.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
  const n = dims.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = i / n; // the upstream runner's input: arange(n) / n
  const got = await session.run({ [meta.name]: new Tensor('float32', x, dims) });
  const expected = readTensorProto(new Uint8Array(readFileSync(join(dir, `${name}_output_0.pb`))));
  const tol = TOLERANCES[id] ?? DEFAULT_TOL;
  return compareValues(got[session.outputNames[0]!], expected, tol);
}

/**
 * For outputs drawn at random (random-cases.json says which, and why): the expected values came from
 * another generator's stream, so only what any correct draw shares is compared — type, dims, and for
 * 'binary' that every value is 0 or 1.
 */
function compareRandom(got: RuntimeValue | undefined, want: RuntimeValue, check: string): string | undefined {
  if (!(got instanceof Tensor) || !(want instanceof Tensor)) return 'expected a tensor';
  if (got.type !== want.type) return `type ${got.type}, expected ${want.type}`;
  if (got.dims.join(',') !== want.dims.join(',')) return `dims [${got.dims}], expected [${want.dims}]`;
  if (check !== 'binary') return `unknown random check '${check}'`;
  const v = toNumbers(got);
  const bad = v.findIndex((x) => x !== 0 && x !== 1);
  return bad >= 0 ? `[${bad}] ${v[bad]} is not 0 or 1` : undefined;
}

/** undefined when equal within tolerance, else a short description of the first difference. */
export function compareValues(got: RuntimeValue | undefined, want: RuntimeValue, tol: { rtol: number; atol: number }): string | undefined {
  if (got === undefined) return 'missing';
  if (want === null || got === null) return want === got ? undefined : `expected ${want === null ? 'an empty optional' : 'a value'}, got ${got === null ? 'an empty optional' : 'a value'}`;
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return 'expected a sequence';
    if (got.length !== want.length) return `sequence length ${got.length}, expected ${want.length}`;
    for (let i = 0; i < want.length; i++) {
      const d = compareValues(got[i], want[i]!, tol);
      if (d) return `[${i}] ${d}`;
    }
    return undefined;
  }
  if (!(got instanceof Tensor)) return 'expected a tensor';
  if (got.type !== want.type) return `type ${got.type}, expected ${want.type}`;
  if (got.dims.join(',') !== want.dims.join(',')) return `dims [${got.dims}], expected [${want.dims}]`;
  if (got.type === 'string') {
    const a = got.data as string[];
    const b = want.data as string[];
    for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return `[${i}] '${a[i]}', expected '${b[i]}'`;
    return undefined;
  }
  const a = toNumbers(got);
  const b = toNumbers(want);
  const exact = !['float32', 'float64', 'float16', 'bfloat16'].includes(got.type) && !got.type.startsWith('float');
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (exact) return `[${i}] ${x}, expected ${y}`;
    const excess = Math.abs(x - y) - (tol.atol + tol.rtol * Math.abs(y));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) return `[${worst}] ${a[worst]}, expected ${b[worst]} (rtol ${tol.rtol}, atol ${tol.atol})`;
  return undefined;
}
