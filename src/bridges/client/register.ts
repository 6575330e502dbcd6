/**
 * Until the engine takes backend specs (`backends: [{ name: 'remote', url, token, model }, 'wasm']`),
 * a remote spec is registered under a name of its own — 'remote:<host>/<model>' — and that name goes in
 * the backends list:
 *
 *   const remote = remoteBackend({ url: 'http://127.0.0.1:8000', token, model: 'resnet18' });
 *   const s = await BridgeSession.create('resnet18.onnx', { backends: [remote, 'wasm'] });
 *
 * The registered factory hands out one RemoteBackend per spec; it keeps per-graph state, so several
 * sessions may share it.
 */
import { KilnError } from '../../engine/errors.js';
import { registerBackend } from '../../engine/registry.js';
import { RemoteBackend, type RemoteSpec } from './backend.js';

const instances = new Map<string, RemoteBackend>();
const names = new WeakMap<RemoteSpec, string>();

function label(spec: RemoteSpec): string {
  let where: string;
  try {
    where = new URL(spec.url).host;
  } catch {
    where = spec.url;
  }
  return `remote:${where}/${spec.model ?? 'upload'}${spec.version ? `@${spec.version}` : ''}`;
}

/** Registers `spec` (once per spec object) and returns the backend name to list in `backends`. */
export function remoteBackend(spec: RemoteSpec): string {
  const known = names.get(spec);
  if (known) return known;
  const base = label(spec);
  let name = base;
  for (let i = 2; instances.has(name); i++) name = `${base}#${i}`;
  const b = new RemoteBackend(name, spec);
  instances.set(name, b);
  names.set(spec, name);
  registerBackend(name, () => b);
  return name;
}

/** The backend registered under `name` by remoteBackend(), if any. */
export const remoteBackendNamed = (name: string): RemoteBackend | undefined => instances.get(name);

/**
 * The factory for `registerBackend('remote', …)` once the registry passes specs to factories: one
 * backend per session, named like remoteBackend()'s ('remote:<host>/<model>').
 */
export function createRemoteBackend(spec?: RemoteSpec): RemoteBackend {
  if (!spec || typeof spec.url !== 'string') {
    throw new KilnError('E_BACKEND_UNAVAILABLE', "the remote backend needs a spec: backends: [{ name: 'remote', url, token, model }, …]", { backend: 'remote' });
  }
  return new RemoteBackend(label(spec), spec);
}
