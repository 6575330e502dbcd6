/**
 * WebGPU in Node through the `webgpu` package (Dawn), on Chromium's SwiftShader Vulkan driver. Dawn loads
 * libvulkan.so.1 when the process starts, so the process must be started with the environment below:
 * `gpuChildEnv()` gives it, and test/webgpu/kernels.test.ts runs the suite in such a child process.
 */
import { existsSync } from 'node:fs';

export const SWIFTSHADER_DIR = '/usr/lib/chromium';

/** Environment for a child process that uses Dawn on SwiftShader. */
export function gpuChildEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (existsSync(`${SWIFTSHADER_DIR}/vk_swiftshader_icd.json`)) {
    env.VK_ICD_FILENAMES ??= `${SWIFTSHADER_DIR}/vk_swiftshader_icd.json`;
    env.LD_LIBRARY_PATH = [env.LD_LIBRARY_PATH, SWIFTSHADER_DIR].filter(Boolean).join(':');
  }
  env.XDG_RUNTIME_DIR ??= '/tmp';
  return env;
}

/** Installs navigator.gpu from the `webgpu` package; returns a function that removes it (so the process can exit). */
export async function installNodeGpu(): Promise<() => void> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  g.navigator!.gpu = create([]);
  return () => {
    delete g.navigator!.gpu;
  };
}
