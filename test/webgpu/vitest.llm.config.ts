/**
 * The WebGPU LLM tests (test/llm/*webgpu*.gpu.ts) as their own vitest run: Dawn must see Chromium's
 * SwiftShader driver when the process starts, so test/llm/llm-webgpu.test.ts starts this run in a child
 * process with the environment from node-gpu.ts. By hand:
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium \
 *     npx vitest run --config test/webgpu/vitest.llm.config.ts
 * (on a machine with a real GPU and Vulkan/Metal/D3D drivers, no environment is needed).
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/llm/*webgpu*.gpu.ts'],
    setupFiles: ['test/webgpu/llm-gpu-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
