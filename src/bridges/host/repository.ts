/**
 * The host's model repository: a folder laid out as Triton's, or flatter.
 *
 *   repo/
 *     resnet18/               a model: its name is the folder's
 *       config.json           optional: {"engine": "ort" | "kiln" | "executorch", "providers": ["cuda", "cpu"]}
 *       1/model.onnx          version 1 (model.onnx, model.pte or model.tflite)
 *       2/model.onnx
 *     squeezenet.onnx         a model file straight in the folder: model 'squeezenet', version 1
 *     classifier/1/model.pte  .pte programs always go to the executorch engine
 *
 * Names come from the folder listing only and must match MODEL_NAME_RE; a request names a model, never a
 * path, so no request can reach outside the folder. Every model is loaded at start; one whose engine is
 * not available here, or that fails to load, is UNAVAILABLE with the reason. Uploaded models (by content
 * hash, --allow-upload) live in memory beside them.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { KilnError } from '../../engine/errors.js';
import { isModelName } from '../protocol/v2.js';
import type { EngineName, HostEngine, LoadedModel, ModelFile } from './engines/types.js';

export type ModelState = 'LOADING' | 'READY' | 'UNAVAILABLE';

export interface ModelConfig {
  readonly engine?: EngineName;
  readonly providers?: readonly string[];
}

export interface ModelVersion {
  readonly name: string;
  readonly version: string;
  readonly file: ModelFile;
  readonly engine: EngineName;
  readonly providers?: readonly string[];
  readonly uploaded: boolean;
  state: ModelState;
  reason?: string;
  loaded?: LoadedModel;
  /** Runs of one model go one at a time, in arrival order. */
  queue: Promise<unknown>;
}

const KINDS: Record<string, ModelFile['kind']> = { '.onnx': 'onnx', '.pte': 'pte', '.tflite': 'tflite' };
const ENGINES = new Set<EngineName>(['ort', 'kiln', 'executorch']);

export class ModelRepository {
  private readonly models = new Map<string, Map<string, ModelVersion>>();
  private loading = true;
  uploadCount = 0;

  constructor(
    readonly dir: string,
    private readonly engines: ReadonlyMap<EngineName, HostEngine>,
    private readonly defaultEngine: EngineName,
    private readonly defaultProviders: readonly string[] | undefined,
    private readonly log: (msg: string) => void,
  ) {}

  /** True once every model found at start has been loaded (or marked UNAVAILABLE). */
  get ready(): boolean {
    return !this.loading;
  }

  async scan(): Promise<void> {
    let entries;
    try {
      entries = await readdir(this.dir, { withFileTypes: true });
    } catch (e) {
      throw new KilnError('E_IO', `cannot read the model repository '${this.dir}': ${(e as Error).message}`);
    }
    const found: { name: string; version: string; path: string; config?: ModelConfig; bad?: string }[] = [];
    for (const d of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (d.name.startsWith('.')) continue;
      const full = join(this.dir, d.name);
      const isDir = d.isDirectory() || (d.isSymbolicLink() && (await stat(full).catch(() => undefined))?.isDirectory());
      if (!isDir) {
        const kind = KINDS[extname(d.name).toLowerCase()];
        const name = d.name.slice(0, d.name.length - extname(d.name).length);
        if (kind && isModelName(name)) found.push({ name, version: '1', path: full });
        continue;
      }
      if (!isModelName(d.name)) { this.log(`repository: skipping '${d.name}': not a valid model name`); continue; }
      let config: ModelConfig | undefined;
      let bad: string | undefined;
      try {
        config = parseConfig(JSON.parse(await readFile(join(full, 'config.json'), 'utf8')));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') bad = `config.json: ${(e as Error).message}`;
      }
      const inner = await readdir(full, { withFileTypes: true });
      const versions = inner.filter((x) => /^[0-9]{1,18}$/.test(x.name)).map((x) => x.name);
      const pick = async (folder: string) => {
        for (const f of ['model.onnx', 'model.pte', 'model.tflite']) if (await stat(join(folder, f)).catch(() => undefined)) return join(folder, f);
        return undefined;
      };
      if (versions.length === 0) {
        const p = await pick(full);
        if (p) found.push({ name: d.name, version: '1', path: p, config, bad });
      }
      for (const v of versions) {
        const p = await pick(join(full, v));
        if (p) found.push({ name: d.name, version: String(Number(v)), path: p, config, bad });
      }
    }
    for (const f of found) {
      if (this.find(f.name, f.version)) { this.log(`repository: '${f.name}' version ${f.version} is listed twice; keeping the first`); continue; }
      const kind = KINDS[extname(f.path).toLowerCase()]!;
      const mv = this.add(f.name, f.version, { kind, path: f.path }, f.config, false);
      if (f.bad) { mv.state = 'UNAVAILABLE'; mv.reason = f.bad; }
    }
    for (const versions of this.models.values()) for (const mv of versions.values()) if (mv.state === 'LOADING') await this.load(mv);
    this.loading = false;
  }

  private add(name: string, version: string, file: ModelFile, config: ModelConfig | undefined, uploaded: boolean): ModelVersion {
    const engine: EngineName = file.kind === 'pte' ? 'executorch' : file.kind === 'tflite' ? 'kiln' : (config?.engine ?? this.defaultEngine);
    const providers = config?.providers ?? (engine === this.defaultEngine ? this.defaultProviders : undefined);
    const mv: ModelVersion = { name, version, file, engine, providers, uploaded, state: 'LOADING', queue: Promise.resolve() };
    if (!this.models.has(name)) this.models.set(name, new Map());
    this.models.get(name)!.set(version, mv);
    return mv;
  }

  private async load(mv: ModelVersion): Promise<void> {
    const engine = this.engines.get(mv.engine);
    const fail = (reason: string) => {
      mv.state = 'UNAVAILABLE';
      mv.reason = reason;
      this.log(`model '${mv.name}' version ${mv.version}: UNAVAILABLE: ${reason}`);
    };
    if (!engine) return fail(`the '${mv.engine}' engine is not enabled on this host`);
    if (!engine.kinds.includes(mv.file.kind)) return fail(`the '${mv.engine}' engine does not load .${mv.file.kind} files`);
    const st = await engine.status();
    if (!st.available) return fail(`the '${mv.engine}' engine is not available here: ${st.reason}`);
    try {
      mv.loaded = await engine.load(mv.file, mv.providers);
      mv.state = 'READY';
      this.log(`model '${mv.name}' version ${mv.version}: READY on ${mv.loaded.report.name} (${mv.loaded.report.provider})`);
    } catch (e) {
      fail((e instanceof Error ? e.message : String(e)).replace(/^\[[A-Z_]+\] /, '').split('\n')[0]!);
    }
  }

  /** A model version; without `version`, the highest READY one (else the highest). */
  find(name: string, version?: string): ModelVersion | undefined {
    const vs = this.models.get(name);
    if (!vs) return undefined;
    if (version !== undefined) return vs.get(String(Number(version)));
    const sorted = [...vs.values()].sort((a, b) => Number(b.version) - Number(a.version));
    return sorted.find((m) => m.state === 'READY') ?? sorted[0];
  }

  versions(name: string): string[] {
    return [...(this.models.get(name)?.keys() ?? [])].sort((a, b) => Number(a) - Number(b));
  }

  index(): { name: string; version: string; state: ModelState; reason: string }[] {
    return [...this.models.values()].flatMap((vs) => [...vs.values()].map((m) => ({ name: m.name, version: m.version, state: m.state, reason: m.reason ?? '' })));
  }

  /** Adds an uploaded model (already checked by the caller) and loads it. */
  async addUpload(name: string, version: string, file: ModelFile): Promise<ModelVersion> {
    const mv = this.add(name, version, file, undefined, true);
    this.uploadCount++;
    await this.load(mv);
    return mv;
  }

  async close(): Promise<void> {
    for (const vs of this.models.values()) for (const m of vs.values()) await m.loaded?.dispose();
  }
}

function parseConfig(j: unknown): ModelConfig {
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new Error('must be a JSON object');
  const c = j as Record<string, unknown>;
  if (c.engine !== undefined && !ENGINES.has(c.engine as EngineName)) throw new Error(`unknown engine ${JSON.stringify(c.engine)}`);
  if (c.providers !== undefined && !(Array.isArray(c.providers) && c.providers.every((p) => typeof p === 'string'))) throw new Error('providers must be an array of strings');
  return { engine: c.engine as EngineName | undefined, providers: c.providers as string[] | undefined };
}
