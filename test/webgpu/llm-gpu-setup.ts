/** vitest setup for the WebGPU LLM tests: navigator.gpu from the `webgpu` package (Dawn), removed at the end. */
import { afterAll } from 'vitest';
import { installNodeGpu } from './node-gpu.js';

const uninstall = await installNodeGpu();
afterAll(() => uninstall());
