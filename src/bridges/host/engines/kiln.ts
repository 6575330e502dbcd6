/**
 * The `kiln` engine: Kiln's own session on the backends registered in this process (the host entry,
 * src/cli/host.ts, loads the package entry, which registers them). By default every registered backend
 * but remote ones (no host calls itself) and webgpu (no GPU in Node), with `reference` last; `--ep`
 * names them explicitly, e.g. `--engine kiln --ep wasm,reference`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { KilnError } from '../../../engine/errors.js';
import { pickFormat, registeredBackends } from '../../../engine/registry.js';
import { InferenceSession } from '../../../engine/session.js';
import { Tensor } from '../../../engine/tensor.js';
import type { EngineStatus, HostEngine, IoSpec, LoadedModel, ModelFile } from './types.js';

function defaultBackends(): string[] {
  const names = registeredBackends().filter((n) => !n.startsWith('remote') && n !== 'webgpu');
  return [...names.filter((n) => n !== 'reference'), ...names.filter((n) => n === 'reference')];
}

export function kilnEngine(defaultProviders?: readonly string[]): HostEngine {
  return {
    name: 'kiln',
    kinds: ['onnx', 'tflite'],
    async status(): Promise<EngineStatus> {
      const names = defaultBackends();
      if (!names.length) return { name: 'kiln', available: false, reason: 'no Kiln backend is registered in this process' };
      return { name: 'kiln', available: true, providers: names.map((name) => ({ name, available: true })) };
    },
    async load(file: ModelFile, wanted?: readonly string[]): Promise<LoadedModel> {
      const backends = [...(wanted ?? defaultProviders ?? defaultBackends())];
      const bytes = file.bytes ?? new Uint8Array(await readFile(file.path!));
      const dir = file.path ? dirname(file.path) : undefined;
      // External data stays inside the model's own folder.
      const externalData = async (loc: string) => {
        const p = dir && normalize(join(dir, loc));
        if (!p || !p.startsWith(dir + sep)) throw new KilnError('E_EXTERNAL_DATA', `external data '${loc}' is outside the model's folder`);
        return new Uint8Array(await readFile(p));
      };
      const model = await pickFormat(bytes, file.path ?? `upload.${file.kind}`).load(bytes, { externalData });
      const session = await InferenceSession.fromModel(model, { backends });
      const io = (m: (typeof session.inputMetadata)[number]): IoSpec => {
        if (!m.isTensor || !m.type) throw new KilnError('E_TYPE_UNSUPPORTED', `'${m.name}' is not a tensor; only tensor inputs and outputs can be served`);
        return { name: m.name, dtype: m.type, shape: m.shape?.map((d) => (typeof d === 'number' ? d : -1)) };
      };
      return {
        inputs: session.inputMetadata.map(io),
        outputs: session.outputMetadata.map(io),
        platform: file.kind === 'tflite' ? 'kiln_tflite' : 'kiln_onnx',
        report: { name: 'kiln', provider: Object.keys(session.backendSummary).join('+') || backends[0]! },
        async run(feeds, wantedOutputs, signal) {
          const out = await session.runValues(Object.fromEntries(feeds), wantedOutputs, { signal });
          const m = new Map<string, Tensor>();
          for (const [k, v] of Object.entries(out)) {
            if (!(v instanceof Tensor)) throw new KilnError('E_TYPE_UNSUPPORTED', `output '${k}' is not a tensor`);
            m.set(k, await v.toCpu());
          }
          return m;
        },
        dispose: () => session.release(),
      };
    },
  };
}
