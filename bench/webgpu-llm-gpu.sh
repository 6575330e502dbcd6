#!/usr/bin/env bash
# The WebGPU LLM path on a machine with a real GPU, in one command (Node + the `webgpu` package, which loads
# the system's Vulkan / Metal / D3D12 driver; no browser needed):
#
#   bench/webgpu-llm-gpu.sh [extra bench/webgpu-llm.ts options]
#
# 1. prints the adapter Dawn picks (it must not be SwiftShader for the timings to mean anything);
# 2. runs the WebGPU LLM tests: the shared kernel suite and the golden greedy tokens (shader-f16 devices
#    default to the f16 KV cache, so that path is checked there);
# 3. benches decode and prefill tok/s of webgpu beside wasm on stories260K and on synthetic models at the
#    shapes of Qwen2.5-0.5B and Llama-3.2-1B (q4_0, q8_0, q4_k; written once into the temp folder).
# Results: bench/results/webgpu-llm-<time>.{json,md}.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
node --input-type=module -e "
import { create } from 'webgpu';
const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });
if (!a) { console.error('no WebGPU adapter: install the GPU driver (Vulkan on Linux)'); process.exit(1); }
const i = a.info;
console.log('adapter:', i.vendor, i.architecture, i.description, 'fallback:', i.isFallbackAdapter ?? a.isFallbackAdapter, 'shader-f16:', a.features.has('shader-f16'), 'subgroups:', a.features.has('subgroups'));
process.exit(0);
"
npx vitest run --config test/webgpu/vitest.llm.config.ts
npx tsx bench/webgpu-llm.ts --backends wasm,webgpu --shapes qwen2.5-0.5b,llama-3.2-1b --types q4_0,q8_0,q4_k --prompt 128 --gen 128 --runs 3 "$@"
