/** Reference kernels: shape ops. The kernels live in ./shape/, by kind. */
import type { KernelMap } from '../engine/backend.js';
import { createKernels } from './shape/create.js';
import { indexingKernels } from './shape/indexing.js';
import { layoutKernels } from './shape/layout.js';
import { padResizeKernels } from './shape/pad-resize.js';

export const shapeKernels: KernelMap = {
  ...layoutKernels,
  ...createKernels,
  ...indexingKernels,
  ...padResizeKernels,
};
