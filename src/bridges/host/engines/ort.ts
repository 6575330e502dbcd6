/**
 * The `ort` engine: onnxruntime-node with the execution providers this machine has. The default order
 * is TensorRT, CUDA (DirectML on Windows), then CPU on Linux and Windows, Core ML then CPU on macOS;
 * `--ep` (or a model's config.json `providers`) picks others. A provider whose library is not installed
 * is reported unavailable with the reason and skipped; one that fails to start for a model is recorded
 * in that model's `engine.declined`, and the next is tried. The provider that took the model is what
 * model metadata reports (ONNX Runtime still runs nodes that provider lacks on its CPU provider).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { KilnError } from '../../../engine/errors.js';
import type { DType } from '../../../engine/ir/dtype.js';
import { Tensor } from '../../../engine/tensor.js';
import type { EngineStatus, HostEngine, IoSpec, LoadedModel, ModelFile } from './types.js';

type Ort = typeof import('onnxruntime-node');

const ORT_TYPES = new Set<DType>(['float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool', 'string']);

/** Provider libraries that ship apart from onnxruntime-node's main binary, per platform. */
const PROVIDER_LIBS: Record<string, Record<string, string>> = {
  linux: { cuda: 'libonnxruntime_providers_cuda.so', tensorrt: 'libonnxruntime_providers_tensorrt.so' },
  win32: { cuda: 'onnxruntime_providers_cuda.dll', tensorrt: 'onnxruntime_providers_tensorrt.dll' },
};

const DEFAULT_ORDER: Record<string, string[]> = {
  linux: ['tensorrt', 'cuda', 'cpu'],
  win32: ['tensorrt', 'cuda', 'dml', 'cpu'],
  darwin: ['coreml', 'cpu'],
};

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);

export function ortEngine(defaultProviders?: readonly string[]): HostEngine {
  let ortPromise: Promise<Ort | string> | undefined;
  const loadOrt = () => (ortPromise ??= import('onnxruntime-node').then((m) => ((m as { default?: Ort }).default ?? m) as Ort, (e) => `onnxruntime-node is not installed here (${firstLine(e)}); install it with: ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node`));
  let statusPromise: Promise<EngineStatus> | undefined;

  const status = () => (statusPromise ??= (async (): Promise<EngineStatus> => {
    const ort = await loadOrt();
    if (typeof ort === 'string') return { name: 'ort', available: false, reason: ort };
    let binDir: string | undefined;
    try {
      const req = createRequire(import.meta.url);
      let pkg: string;
      try {
        pkg = dirname(req.resolve('onnxruntime-node/package.json'));
      } catch {
        pkg = join(dirname(req.resolve('onnxruntime-node')), '..'); // main is dist/index.js
      }
      binDir = ['napi-v6', 'napi-v3'].map((v) => join(pkg, 'bin', v, process.platform, process.arch)).find(existsSync);
    } catch {}
    const listed = (ort as unknown as { listSupportedBackends?: () => { name: string; bundled: boolean }[] }).listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
    const providers = listed.map(({ name, bundled }) => {
      if (bundled) return { name, available: true };
      const lib = PROVIDER_LIBS[process.platform]?.[name];
      if (lib && binDir && existsSync(join(binDir, lib))) return { name, available: true };
      return { name, available: false, reason: `${lib ?? `the ${name} provider library`} is not installed next to onnxruntime-node's binary (npm installed it with ONNXRUNTIME_NODE_INSTALL=skip, or this machine has no ${name.toUpperCase()})` };
    });
    return { name: 'ort', available: true, providers };
  })());

  return {
    name: 'ort',
    kinds: ['onnx'],
    status,
    async load(file: ModelFile, wanted?: readonly string[]): Promise<LoadedModel> {
      const st = await status();
      if (!st.available) throw new KilnError('E_BACKEND_UNAVAILABLE', st.reason!);
      const ort = (await loadOrt()) as Ort;
      const known = new Map(st.providers!.map((p) => [p.name, p]));
      const order = wanted ?? defaultProviders ?? (DEFAULT_ORDER[process.platform] ?? ['cpu']).filter((p) => known.get(p)?.available);
      const declined: Record<string, string> = {};
      for (const ep of order) {
        const p = known.get(ep);
        if (!p) { declined[ep] = `onnxruntime-node has no '${ep}' provider (it has: ${[...known.keys()].join(', ')})`; continue; }
        if (!p.available) { declined[ep] = p.reason!; continue; }
        try {
          const opts = { executionProviders: [ep], graphOptimizationLevel: 'all' as const, logSeverityLevel: 3 as const };
          const session = file.bytes ? await ort.InferenceSession.create(file.bytes, opts) : await ort.InferenceSession.create(file.path!, opts);
          return wrap(ort, session, ep, declined);
        } catch (e) {
          declined[ep] = firstLine(e);
        }
      }
      throw new KilnError('E_BACKEND_UNAVAILABLE', `no execution provider could load the model: ${Object.entries(declined).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
    },
  };
}

function ioOf(m: import('onnxruntime-node').InferenceSession.ValueMetadata): IoSpec {
  if (!m.isTensor) throw new KilnError('E_TYPE_UNSUPPORTED', `'${m.name}' is not a tensor; only tensor inputs and outputs can be served`);
  const dtype = m.type as DType;
  if (!ORT_TYPES.has(dtype)) throw new KilnError('E_TYPE_UNSUPPORTED', `'${m.name}' is ${m.type}, which this host cannot serve`);
  return { name: m.name, dtype, shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) };
}

function wrap(ort: Ort, session: import('onnxruntime-node').InferenceSession, provider: string, declined: Record<string, string>): LoadedModel {
  const inputs = session.inputMetadata.map(ioOf);
  const outputs = session.outputMetadata.map(ioOf);
  return {
    inputs,
    outputs,
    platform: 'onnx_onnxv1',
    report: { name: 'ort', provider, ...(Object.keys(declined).length ? { declined } : {}) },
    async run(feeds, wanted) {
      const f: Record<string, import('onnxruntime-node').Tensor> = {};
      for (const [name, t] of feeds) {
        if (!ORT_TYPES.has(t.type)) throw new KilnError('E_TYPE_UNSUPPORTED', `input '${name}' is ${t.type}, which ONNX Runtime cannot take`);
        f[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
      }
      let res: Awaited<ReturnType<typeof session.run>>;
      try {
        res = await session.run(f, wanted as string[]);
      } catch (e) {
        throw new KilnError('E_RUNTIME', `ONNX Runtime (${provider}): ${firstLine(e)}`);
      }
      const out = new Map<string, Tensor>();
      for (const name of wanted) {
        const r = res[name];
        if (!r) throw new KilnError('E_RUNTIME', `ONNX Runtime did not return output '${name}'`);
        let data = r.data as Tensor['data'];
        // ONNX Runtime hands float16 out as a Float16Array where the JS engine has one; Kiln keeps raw bits.
        if (r.type === 'float16' && !(data instanceof Uint16Array)) data = new Uint16Array((data as unknown as { buffer: ArrayBuffer; byteOffset: number; length: number }).buffer, (data as unknown as { byteOffset: number }).byteOffset, (data as unknown as { length: number }).length);
        out.set(name, new Tensor(r.type as DType, data, r.dims));
      }
      return out;
    },
    dispose: () => session.release(),
  };
}
