/**
 * The `remote` backend: whole-model offload to a native host over the Open Inference Protocol (or
 * TensorFlow Serving's predict API).
 *
 * It claims every node, and at prepare() checks that it got the whole graph, that the host is live, that
 * the model is ready there (uploading it by content hash when the spec carries its bytes and the host
 * allows uploads), and that the host's inputs and outputs match the local model's. Any failure there is
 * E_BACKEND_UNAVAILABLE with the reason, so the session falls back to the next backend. A run sends the
 * graph's inputs in one request (`runGraph`); a host that goes away mid-run is E_DEVICE_LOST, which the
 * session treats like a lost GPU: it drops this backend, plans again on the rest and retries.
 */
import type { Backend, RuntimeValue } from '../../engine/backend.js';
import { KilnError } from '../../engine/errors.js';
import type { Graph, Node, ValueInfo } from '../../engine/ir/graph.js';
import { Tensor } from '../../engine/tensor.js';
import { toV2Datatype } from '../protocol/datatypes.js';
import type { TfFormat } from '../protocol/tfserving.js';
import type { EngineReport, ModelMetadata, TensorMetadata } from '../protocol/v2.js';
import { TfServingClient, V2Client } from './v2-client.js';

export interface RemoteSpec {
  /** 'remote' (the registry key once the engine takes backend specs). */
  readonly name?: string;
  /** Base URL of the host: http://127.0.0.1:8000, https://triton.example.com/prefix. */
  readonly url: string;
  /** Bearer token (`kiln host` prints it at first start). */
  readonly token?: string;
  /** Model name in the host's repository. Without it, `upload` is sent and named by its sha-256. */
  readonly model?: string;
  readonly version?: string;
  /** 'v2' (default) or TensorFlow Serving's REST predict API. */
  readonly protocol?: 'v2' | 'tfserving';
  /** v2: the binary tensor data extension (default true) or plain JSON. */
  readonly binary?: boolean;
  /** tfserving: row ('instances') or column ('inputs', default) form. */
  readonly tfFormat?: TfFormat;
  readonly signature?: string;
  /** Deadline of one inference call (ms, default 30 s). */
  readonly timeoutMs?: number;
  /** Deadline of each setup call at session creation (ms, default 5 s). */
  readonly connectTimeoutMs?: number;
  /** Extra attempts for idempotent calls (default 2). Inference is never retried. */
  readonly retries?: number;
  /** The model file, for hosts started with --allow-upload. */
  readonly upload?: Uint8Array;
  /** File name of the upload in the host's repository (default 'model.onnx'). */
  readonly uploadFile?: string;
  readonly fetch?: typeof fetch;
  readonly headers?: Readonly<Record<string, string>>;
}

interface Binding {
  readonly model: string;
  readonly version?: string;
  readonly metadata?: ModelMetadata;
}

export interface RunGraphOptions {
  readonly signal?: AbortSignal;
  /** Outputs wanted (default: all the graph's outputs). */
  readonly fetches?: readonly string[];
}

const unavailable = (backend: string, msg: string, cause?: unknown) => new KilnError('E_BACKEND_UNAVAILABLE', msg, { backend }, { cause });

function countNodes(g: Graph): number {
  let n = 0;
  for (const node of g.nodes) {
    n++;
    for (const s of node.subgraphs()) n += countNodes(s);
  }
  return n;
}

/** Graph inputs a caller feeds (initializers listed as inputs are optional overrides). */
export const fedInputs = (g: Graph) => g.inputs.filter((i) => !g.initializers.has(i.name));

export class RemoteBackend implements Backend {
  readonly location = 'cpu';
  private readonly v2: V2Client;
  private readonly tf: TfServingClient;
  /** The same clients with the (shorter) setup deadline, for prepare(). */
  private readonly setupV2: V2Client;
  private readonly setupTf: TfServingClient;
  private readonly bindings = new WeakMap<Graph, Binding>();
  /** What the host said runs the model (engine and provider), after prepare(). */
  engine?: EngineReport;

  constructor(readonly name: string, readonly spec: RemoteSpec) {
    if (typeof spec?.url !== 'string') throw new KilnError('E_INPUT_INVALID', `remote backend '${name}': spec.url is required`);
    const transport = { url: spec.url, token: spec.token, timeoutMs: spec.timeoutMs ?? 30_000, retries: spec.retries ?? 2, fetch: spec.fetch, headers: spec.headers };
    this.v2 = new V2Client(transport);
    this.tf = new TfServingClient(transport);
    const setup = { ...transport, timeoutMs: spec.connectTimeoutMs ?? 5_000 };
    this.setupV2 = new V2Client(setup);
    this.setupTf = new TfServingClient(setup);
  }

  supports(): true {
    return true;
  }

  async prepare(graph: Graph, nodes: readonly Node[]): Promise<void> {
    const total = countNodes(graph);
    if (nodes.length < total) {
      throw unavailable(this.name, `remote backend '${this.name}' runs whole models only, but got ${nodes.length} of ${total} nodes: list it first in backends`);
    }
    try {
      this.bindings.set(graph, await this.connect(graph));
    } catch (e) {
      if (e instanceof KilnError && e.code === 'E_BACKEND_UNAVAILABLE' && e.details.backend === this.name) throw e;
      throw unavailable(this.name, `remote backend '${this.name}' (${this.spec.url}): ${e instanceof Error ? e.message.replace(/^\[[A-Z_]+\] /, '') : String(e)}`, e);
    }
  }

  private async connect(graph: Graph): Promise<Binding> {
    const s = this.spec;
    const [v2, tf] = [this.setupV2, this.setupTf];
    const model = s.model ?? (s.upload ? `sha256-${await sha256Hex(s.upload)}` : undefined);
    if (!model) throw unavailable(this.name, `remote backend '${this.name}': the spec needs 'model' (a name on the host) or 'upload' (the model's bytes)`);
    if (s.protocol === 'tfserving') {
      if (!(await tf.modelAvailable(model, s.version))) throw unavailable(this.name, `remote backend '${this.name}': model '${model}' is not available on ${s.url}`);
      // TensorFlow Serving's signatures carry TF dtypes: the names are what can be checked portably.
      const sig = await tf.signatureNames(model, s.version, s.signature);
      const want = { inputs: fedInputs(graph).map((i) => i.name), outputs: graph.outputs.map((o) => o.name) };
      if (sig && (want.inputs.some((n) => !sig.inputs.includes(n)) || want.outputs.some((n) => !sig.outputs.includes(n)))) {
        throw unavailable(this.name, `remote backend '${this.name}': the host's signature (inputs ${sig.inputs.join(', ')}; outputs ${sig.outputs.join(', ')}) does not match the local model (inputs ${want.inputs.join(', ')}; outputs ${want.outputs.join(', ')})`);
      }
      return { model, version: s.version };
    }
    if (!(await v2.serverLive())) throw unavailable(this.name, `remote backend '${this.name}': ${s.url} is not live`);
    if (!(await v2.modelReady(model, s.version))) {
      if (!s.model && s.upload) {
        await v2.load(model, { [`1/${s.uploadFile ?? 'model.onnx'}`]: s.upload });
      } else {
        // The metadata call says why (unknown model, engine not installed on the host, …).
        const why = await v2.modelMetadata(model, s.version).then(() => 'the host says it is not ready', (e: Error) => e.message.replace(/^\[[A-Z_]+\] /, ''));
        throw unavailable(this.name, `remote backend '${this.name}': model '${model}' is not ready on ${s.url}: ${why}`);
      }
    }
    const metadata = await v2.modelMetadata(model, s.version);
    const mismatch = compareSignature(graph, metadata);
    if (mismatch) throw unavailable(this.name, `remote backend '${this.name}': the host's model '${model}' does not match the local model: ${mismatch}`);
    this.engine = metadata.engine;
    return { model, version: s.version, metadata };
  }

  run(): never {
    throw new KilnError('E_BACKEND_UNAVAILABLE', `remote backend '${this.name}' runs whole graphs (runGraph), not single nodes`, { backend: this.name });
  }

  /** Runs the whole graph on the host: graph inputs in, the wanted graph outputs back. */
  async runGraph(graph: Graph, feeds: ReadonlyMap<string, RuntimeValue>, o: RunGraphOptions = {}): Promise<Map<string, RuntimeValue>> {
    const b = this.bindings.get(graph);
    if (!b) throw new KilnError('E_INTERNAL', `remote backend '${this.name}': runGraph before prepare`);
    const inputs: { name: string; tensor: Tensor }[] = [];
    for (const [name, v] of feeds) {
      if (!(v instanceof Tensor)) throw new KilnError('E_TYPE_UNSUPPORTED', `remote backend '${this.name}': input '${name}' is not a tensor; only tensors cross the wire`, { tensor: name });
      inputs.push({ name, tensor: await v.toCpu() });
    }
    const wanted = o.fetches ?? graph.outputs.map((x) => x.name);
    const declared = new Map(graph.outputs.map((x) => [x.name, x.type?.kind === 'tensor' ? x.type.dtype : undefined]));
    let got: Map<string, Tensor>;
    try {
      if (this.spec.protocol === 'tfserving') {
        const outs = wanted.map((n) => {
          const type = declared.get(n);
          if (!type) throw new KilnError('E_TYPE_UNSUPPORTED', `output '${n}' has no declared tensor type, which TensorFlow Serving's API needs`);
          return { name: n, type };
        });
        got = await this.tf.predict(b.model, b.version, inputs, outs, { format: this.spec.tfFormat, signature: this.spec.signature, signal: o.signal });
      } else {
        got = await this.v2.infer(b.model, b.version, inputs, { outputs: o.fetches ? wanted : undefined, binary: this.spec.binary, signal: o.signal });
      }
    } catch (e) {
      if (e instanceof KilnError && e.code === 'E_IO') {
        throw new KilnError('E_DEVICE_LOST', `remote backend '${this.name}': ${e.message.replace(/^\[[A-Z_]+\] /, '')}`, { backend: this.name, transport: e.details.transport }, { cause: e });
      }
      throw e;
    }
    const out = new Map<string, RuntimeValue>();
    for (const n of wanted) {
      const t = got.get(n);
      if (!t) throw new KilnError('E_RUNTIME', `remote backend '${this.name}': the host did not return output '${n}'`, { tensor: n });
      const want = declared.get(n);
      if (want && want !== t.type) throw new KilnError('E_RUNTIME', `remote backend '${this.name}': output '${n}' came back as ${t.type}, the model declares ${want}`, { tensor: n });
      out.set(n, t);
    }
    return out;
  }

  dispose(): void {}
}

/** Undefined when the host's signature fits the local graph, else what differs. */
export function compareSignature(graph: Graph, m: ModelMetadata): string | undefined {
  const problems: string[] = [];
  const side = (what: 'input' | 'output', local: readonly ValueInfo[], remote: readonly TensorMetadata[], optional: ReadonlySet<string>) => {
    const byName = new Map(remote.map((r) => [r.name, r]));
    for (const l of local) {
      const r = byName.get(l.name);
      if (!r) { problems.push(`the host has no ${what} '${l.name}'`); continue; }
      byName.delete(l.name);
      if (l.type?.kind !== 'tensor') continue;
      let dt: string;
      try { dt = toV2Datatype(l.type.dtype); } catch { problems.push(`${what} '${l.name}' is ${l.type.dtype}, which cannot cross the wire`); continue; }
      if (dt !== r.datatype) problems.push(`${what} '${l.name}' is ${dt} here, ${r.datatype} on the host`);
      const ls = l.type.shape;
      if (ls && Array.isArray(r.shape) && ls.length === r.shape.length) {
        ls.forEach((d, i) => {
          const rd = r.shape[i]!;
          if (typeof d === 'number' && rd >= 0 && d !== rd) problems.push(`${what} '${l.name}' dim ${i} is ${d} here, ${rd} on the host`);
        });
      } else if (ls && Array.isArray(r.shape)) problems.push(`${what} '${l.name}' has rank ${ls.length} here, ${r.shape.length} on the host`);
    }
    for (const extra of byName.keys()) if (!optional.has(extra)) problems.push(`the host's model has an extra ${what} '${extra}'`);
  };
  side('input', fedInputs(graph), m.inputs, new Set(graph.initializers.keys()));
  side('output', graph.outputs, m.outputs, new Set());
  return problems.length ? problems.join('; ') : undefined;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new KilnError('E_BACKEND_UNAVAILABLE', 'uploading a model needs crypto.subtle (a secure context) to name it by its hash');
  const d = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (x) => x.toString(16).padStart(2, '0')).join('');
}
