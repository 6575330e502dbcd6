/**
 * Adapter and device: acquisition, the capability report (features Kiln uses, limits it checks every
 * tensor against), loss and uncaptured errors. One GpuContext per device; backends created without an
 * explicit GPU share one (pipelines compile once per page, as in onnxruntime-web).
 */
import { KilnError } from '../engine/errors.js';

/** Features Kiln asks for when the adapter has them. */
const WANTED_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query'] as const;

/** Limits Kiln raises to the adapter's maximum (defaults are lower). */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupsPerDimension',
] as const;

export interface GpuCapabilities {
  readonly adapter: { readonly vendor: string; readonly architecture: string; readonly description: string; readonly isFallbackAdapter: boolean };
  readonly features: { readonly shaderF16: boolean; readonly subgroups: boolean; readonly timestampQuery: boolean };
  readonly limits: {
    readonly maxStorageBufferBindingSize: number;
    readonly maxBufferSize: number;
    readonly maxComputeWorkgroupStorageSize: number;
    readonly maxComputeInvocationsPerWorkgroup: number;
    readonly maxComputeWorkgroupsPerDimension: number;
    readonly maxStorageBuffersPerShaderStage: number;
    readonly minStorageBufferOffsetAlignment: number;
    readonly minUniformBufferOffsetAlignment: number;
  };
}

export interface DeviceOptions {
  /** The WebGPU entry point (navigator.gpu by default; in Node, the `webgpu` package's `create([])`). */
  readonly gpu?: GPU;
  readonly powerPreference?: GPUPowerPreference;
  /** Features to leave off even when the adapter has them (tests of the fallback paths). */
  readonly disableFeatures?: readonly string[];
}

export class GpuContext {
  /** Set once the device is lost (destroyed, reset, driver crash); every later use throws E_DEVICE_LOST. */
  lostReason: string | undefined;
  /** Uncaptured validation/out-of-memory errors since the last check. */
  readonly errors: string[] = [];
  private readonly lostListeners = new Set<(reason: string) => void>();

  constructor(readonly device: GPUDevice, readonly caps: GpuCapabilities) {
    void device.lost.then((info) => {
      this.lostReason = `the WebGPU device was lost (${info.reason}): ${info.message}`;
      for (const f of this.lostListeners) f(this.lostReason);
    });
    device.addEventListener('uncapturederror', (e) => {
      const err = (e as GPUUncapturedErrorEvent).error;
      if (this.errors.length < 32) this.errors.push(err.message);
    });
  }

  get lost(): boolean {
    return this.lostReason !== undefined;
  }

  onLost(f: (reason: string) => void): () => void {
    this.lostListeners.add(f);
    return () => this.lostListeners.delete(f);
  }

  /** Throws KilnError('E_DEVICE_LOST') when the device is gone: the session then re-plans without webgpu. */
  check(): void {
    if (this.lostReason !== undefined) throw new KilnError('E_DEVICE_LOST', this.lostReason, { backend: 'webgpu' });
  }
}

/** The WebGPU entry point of this environment, or undefined. */
export function defaultGpu(): GPU | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu;
}

let nodeGpu: Promise<GPU | undefined> | undefined;

/**
 * In Node without navigator.gpu: the `webgpu` package (Dawn) when it is installed, so the CLI and scripts
 * get WebGPU with no set-up (`kiln generate model.gguf --backend webgpu`). Dawn finds the system's
 * Vulkan/Metal/D3D12 driver; on a machine with none, point it at Chromium's SwiftShader when the process
 * starts (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium).
 */
function nodeWebGpu(): Promise<GPU | undefined> {
  const g = globalThis as { process?: { versions?: { node?: string } }; window?: unknown };
  if (!g.process?.versions?.node || g.window !== undefined) return Promise.resolve(undefined);
  nodeGpu ??= (async () => {
    try {
      const name = 'webgpu';
      const m = (await import(/* @vite-ignore */ name)) as { create(options: string[]): GPU; globals: Record<string, unknown> };
      for (const [k, v] of Object.entries(m.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
      return m.create([]);
    } catch {
      return undefined;
    }
  })();
  return nodeGpu;
}

export async function acquireDevice(opts: DeviceOptions = {}): Promise<GpuContext> {
  const gpu = opts.gpu ?? defaultGpu() ?? (await nodeWebGpu());
  if (!gpu) {
    throw new KilnError('E_BACKEND_UNAVAILABLE', 'WebGPU is not available here: navigator.gpu is missing (a browser without WebGPU, an insecure context, or Node without the `webgpu` package)');
  }
  const adapter = await gpu.requestAdapter(opts.powerPreference ? { powerPreference: opts.powerPreference } : undefined);
  if (!adapter) {
    throw new KilnError('E_BACKEND_UNAVAILABLE', 'WebGPU is present but no adapter was found (blocklisted GPU, or headless Chromium without --enable-unsafe-webgpu)');
  }
  const off = new Set(opts.disableFeatures ?? []);
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f) && !off.has(f)) as GPUFeatureName[];
  const requiredLimits: Record<string, number> = {};
  for (const l of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[l];
    if (typeof v === 'number') requiredLimits[l] = v;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  } catch (e) {
    throw new KilnError('E_BACKEND_UNAVAILABLE', `the WebGPU adapter refused a device: ${(e as Error).message}`, {}, { cause: e });
  }
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  const lim = device.limits;
  const caps: GpuCapabilities = {
    adapter: {
      vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', description: info?.description ?? '',
      isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
    },
    features: {
      shaderF16: device.features.has('shader-f16'),
      subgroups: device.features.has('subgroups'),
      timestampQuery: device.features.has('timestamp-query'),
    },
    limits: {
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxBufferSize: lim.maxBufferSize,
      maxComputeWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: lim.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupsPerDimension: lim.maxComputeWorkgroupsPerDimension,
      maxStorageBuffersPerShaderStage: lim.maxStorageBuffersPerShaderStage,
      minStorageBufferOffsetAlignment: lim.minStorageBufferOffsetAlignment,
      minUniformBufferOffsetAlignment: lim.minUniformBufferOffsetAlignment,
    },
  };
  return new GpuContext(device, caps);
}

let shared: Promise<GpuContext> | undefined;

/** The page's shared context (acquired on first use, acquired again after a loss). */
export async function sharedContext(opts: DeviceOptions = {}): Promise<GpuContext> {
  if (shared) {
    const ctx = await shared.catch(() => undefined);
    if (ctx && !ctx.lost) return ctx;
  }
  shared = acquireDevice(opts);
  shared.catch(() => { shared = undefined; });
  return shared;
}
