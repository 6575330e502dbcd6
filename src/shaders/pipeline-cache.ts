/**
 * Compiled pipelines, keyed only by what changes the shader text: the shader file and its defines (op,
 * element type, vector width, workgroup size). Shapes never enter a key: they go in uniforms. Pipelines are
 * compiled asynchronously at session creation (`warm`); a variant first met at run time compiles then.
 *
 * Set `printShaders` (or `globalThis.KILN_WEBGPU_PRINT_SHADER = true`, or the env var of the same name in
 * Node) to print each shader's final text once, as it is compiled.
 */
import { KilnError } from '../engine/errors.js';
import { preprocess, type Defines } from './preprocess.js';
import { WGSL_SOURCES } from './wgsl-sources.js';

export interface ProgramKey {
  /** The .wgsl file under src/shaders/wgsl, without the extension. */
  readonly shader: string;
  readonly defines: Defines;
}

export const keyString = (k: ProgramKey): string =>
  `${k.shader}|${Object.keys(k.defines).sort().filter((d) => k.defines[d] !== false).map((d) => `${d}=${String(k.defines[d])}`).join(',')}`;

/** The final WGSL text of a program variant. */
export function shaderText(k: ProgramKey, f16: boolean): string {
  const src = WGSL_SOURCES[k.shader];
  if (src === undefined) throw new KilnError('E_INTERNAL', `no shader '${k.shader}.wgsl'`);
  const body = preprocess(src, k.defines, (n) => WGSL_SOURCES[n.replace(/\.wgsl$/, '')], `${k.shader}.wgsl`);
  return (f16 ? 'enable f16;\n' : '') + body;
}

function printSwitch(): boolean {
  const g = globalThis as { KILN_WEBGPU_PRINT_SHADER?: unknown; process?: { env?: Record<string, string | undefined> } };
  return Boolean(g.KILN_WEBGPU_PRINT_SHADER) || Boolean(g.process?.env?.KILN_WEBGPU_PRINT_SHADER);
}

export class PipelineCache {
  private readonly ready = new Map<string, GPUComputePipeline>();
  private readonly pending = new Map<string, Promise<GPUComputePipeline>>();
  /** Compile counts, for tests and the capability report. */
  compiled = 0;

  constructor(private readonly device: GPUDevice, private readonly f16: boolean, private readonly print = printSwitch()) {}

  /** The pipeline, compiling it synchronously when it was not warmed. */
  get(k: ProgramKey): GPUComputePipeline {
    const key = keyString(k);
    let p = this.ready.get(key);
    if (!p) {
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module: this.module(k, key), entryPoint: 'main' }, label: key });
      this.ready.set(key, p);
    }
    return p;
  }

  /** Starts compiling without blocking; resolves when the pipeline is ready. */
  warm(k: ProgramKey): Promise<GPUComputePipeline> {
    const key = keyString(k);
    const have = this.ready.get(key);
    if (have) return Promise.resolve(have);
    let p = this.pending.get(key);
    if (!p) {
      p = this.device.createComputePipelineAsync({ layout: 'auto', compute: { module: this.module(k, key), entryPoint: 'main' }, label: key })
        .then((pl) => {
          this.ready.set(key, pl);
          this.pending.delete(key);
          return pl;
        }, (e: unknown) => {
          this.pending.delete(key);
          throw new KilnError('E_INTERNAL', `WebGPU pipeline ${key} failed to compile: ${(e as Error).message}`, {}, { cause: e });
        });
      this.pending.set(key, p);
    }
    return p;
  }

  get size(): number {
    return this.ready.size;
  }

  private module(k: ProgramKey, key: string): GPUShaderModule {
    const code = shaderText(k, this.f16);
    this.compiled++;
    if (this.print) console.log(`// ---- kiln webgpu shader ${key}\n${code}`);
    return this.device.createShaderModule({ code, label: key });
  }
}
