/** Reference kernels: attention ops (Attention, FlexAttention, RotaryEmbedding, LinearAttention). */
import { kernel, type KernelMap } from '../engine/backend.js';
import { attentionOps as ops } from '../engine/ops/attention.js';
import { linearAttention } from './attention/linear.js';
import { rotaryEmbedding } from './attention/rotary.js';
import { attention, flexAttention } from './attention/sdpa.js';

export const attentionKernels: KernelMap = {
  Attention: kernel(ops.Attention, attention),
  'ai.onnx.preview.FlexAttention': kernel(ops['ai.onnx.preview.FlexAttention'], flexAttention),
  RotaryEmbedding: kernel(ops.RotaryEmbedding, rotaryEmbedding),
  LinearAttention: kernel(ops.LinearAttention, linearAttention),
};
