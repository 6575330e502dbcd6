/**
 * Common TFLite custom ops (domain 'tflite.custom', op type = the custom code). Their options are the
 * raw bytes the loader puts in the `custom_options` attribute:
 * - MaxUnpooling2D / LiteRtMaxUnpooling2D (MediaPipe, LiteRT): a TfLitePoolParams struct (int32 padding
 *   1 SAME / 2 VALID, stride w/h, filter w/h, activation); inputs (values, argmax indices within each
 *   window, y * filter_width + x).
 * - Convolution2DTransposeBias (MediaPipe): a TfLiteTransposeConvParams struct (padding, stride w/h);
 *   inputs (input NHWC, weights OHWI, bias).
 * - TFLite_Detection_PostProcess (SSD heads): FlexBuffer options, expanded to attributes by the loader;
 *   inputs (box encodings [1, boxes, 4+], class scores [1, boxes, classes(+background)], anchors
 *   [boxes, 4]); integer inputs are dequantized. Outputs boxes, classes, scores, count, as in TFLite.
 * Other custom ops (Flex ops, vendor ops, test ops) have no schema, so planning fails with
 * E_OP_UNSUPPORTED naming them.
 */
import { KilnError } from '../../errors.js';
import { tensorType, type Dim } from '../../ir/types.js';
import type { Tensor } from '../../tensor.js';
import { attr, defineOp } from '../schema.js';
import { concrete } from '../shape-utils.js';
import { outSize, padBefore, quantAttrs, scalarQuant } from './common.js';

/** int32 fields of a C struct stored little-endian in custom_options. */
function structInts(t: Tensor | undefined, n: number, op: string): number[] {
  const b = t?.data as Uint8Array | undefined;
  if (!b || b.byteLength < 4 * n) throw new KilnError('E_MODEL_INVALID', `${op}: custom_options hold ${b?.byteLength ?? 0} bytes, expected at least ${4 * n}`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: n }, (_, i) => dv.getInt32(4 * i, true));
}

/** Output size of an upsampling op (unpooling, transposed conv): SAME → in*stride, VALID → (in-1)*stride + k. */
const upSize = (same: boolean, size: Dim, stride: number, k: number): Dim =>
  (typeof size === 'number' ? (same ? size * stride : (size - 1) * stride + k) : size);

export interface UnpoolParams {
  readonly n: number; readonly ih: number; readonly iw: number; readonly c: number; readonly oh: number; readonly ow: number;
  readonly sh: number; readonly sw: number; readonly fh: number; readonly fw: number; readonly padT: number; readonly padL: number;
}
const unpool = defineOp({
  domain: 'tflite.custom', attrs: { custom_options: attr.tensor() }, inputs: [2, 2],
  infer: (ctx) => {
    const [padding, sw, sh, fw, fh] = structInts(ctx.attrs.custom_options, 5, 'MaxUnpooling2D');
    const x = ctx.shape(0);
    return [tensorType(ctx.tensor(0).dtype, [x[0]!, upSize(padding === 1, x[1]!, sh!, fh!), upSize(padding === 1, x[2]!, sw!, fw!), x[3]!])];
  },
  params: (ctx): UnpoolParams => {
    const [padding, sw, sh, fw, fh] = structInts(ctx.attrs.custom_options, 5, 'MaxUnpooling2D');
    const [n, ih, iw, c] = concrete(ctx.shape(0));
    const [, oh, ow] = concrete(ctx.outputs[0]!.kind === 'tensor' ? ctx.outputs[0]!.shape! : []);
    const p = padding === 1 ? 0 : 1;
    return {
      n: n!, ih: ih!, iw: iw!, c: c!, oh: oh!, ow: ow!, sh: sh!, sw: sw!, fh: fh!, fw: fw!,
      padT: padBefore(sh!, 1, oh!, fh!, outSize(p, oh!, fh!, sh!)), padL: padBefore(sw!, 1, ow!, fw!, outSize(p, ow!, fw!, sw!)),
    };
  },
});

export interface TransposeBiasParams {
  readonly n: number; readonly ih: number; readonly iw: number; readonly ic: number; readonly oh: number; readonly ow: number; readonly oc: number;
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number; readonly padT: number; readonly padL: number;
}
const Convolution2DTransposeBias = defineOp({
  domain: 'tflite.custom', attrs: { custom_options: attr.tensor() }, inputs: [3, 3],
  infer: (ctx) => {
    const [padding, sw, sh] = structInts(ctx.attrs.custom_options, 3, 'Convolution2DTransposeBias');
    const x = ctx.shape(0);
    const w = ctx.shape(1);
    const k = (d: Dim | undefined) => (typeof d === 'number' ? d : 1);
    return [tensorType('float32', [x[0]!, upSize(padding === 1, x[1]!, sh!, k(w[1])), upSize(padding === 1, x[2]!, sw!, k(w[2])), w[0]!])];
  },
  params: (ctx): TransposeBiasParams => {
    const [padding, sw, sh] = structInts(ctx.attrs.custom_options, 3, 'Convolution2DTransposeBias');
    const [n, ih, iw, ic] = concrete(ctx.shape(0));
    const [oc, kh, kw] = concrete(ctx.shape(1));
    const [, oh, ow] = concrete(ctx.outputs[0]!.kind === 'tensor' ? ctx.outputs[0]!.shape! : []);
    const p = padding === 1 ? 0 : 1;
    return {
      n: n!, ih: ih!, iw: iw!, ic: ic!, oh: oh!, ow: ow!, oc: oc!, kh: kh!, kw: kw!, sh: sh!, sw: sw!,
      padT: padBefore(sh!, 1, oh!, kh!, outSize(p, oh!, kh!, sh!)), padL: padBefore(sw!, 1, ow!, kw!, outSize(p, ow!, kw!, sw!)),
    };
  },
});

export interface DetectionParams {
  readonly boxes: number; readonly codeSize: number; readonly classesWithBg: number; readonly numClasses: number;
  readonly maxDetections: number; readonly perAnchor: number; readonly perClass: number; readonly regular: boolean;
  readonly scoreThreshold: number; readonly iouThreshold: number;
  readonly scale: readonly [number, number, number, number];
  /** Dequantization (scale, zero point) of the three inputs; scale 0 for float inputs. */
  readonly dq: readonly (readonly [number, number])[];
}
const TFLite_Detection_PostProcess = defineOp({
  domain: 'tflite.custom', inputs: [3, 3], outputs: [4, 4],
  attrs: {
    max_detections: attr.int(10), max_classes_per_detection: attr.int(1), detections_per_class: attr.int(100), use_regular_nms: attr.int(0),
    nms_score_threshold: attr.float(0), nms_iou_threshold: attr.float(0.5), num_classes: attr.int(1),
    y_scale: attr.float(1), x_scale: attr.float(1), h_scale: attr.float(1), w_scale: attr.float(1), ...quantAttrs('in0', 'in1', 'in2'),
  },
  infer: (ctx) => {
    const n = ctx.attrs.max_detections * ctx.attrs.max_classes_per_detection;
    return [tensorType('float32', [1, n, 4]), tensorType('float32', [1, n]), tensorType('float32', [1, n]), tensorType('float32', [1])];
  },
  params: (ctx): DetectionParams => {
    const a = ctx.attrs;
    const [, boxes, codeSize] = concrete(ctx.shape(0));
    const [, , classesWithBg] = concrete(ctx.shape(1));
    if (codeSize! < 4 || a.num_classes < 1 || classesWithBg! < a.num_classes) ctx.fail(`box encodings of size ${codeSize} and ${classesWithBg} class scores do not fit ${a.num_classes} classes`, 'E_SHAPE_MISMATCH');
    const dq = [0, 1, 2].map((i): [number, number] => {
      const q = ctx.tensor(i).dtype === 'float32' ? undefined : scalarQuant(a, `in${i}`);
      return q ? [q.scale, q.zp] : [0, 0];
    });
    return {
      boxes: boxes!, codeSize: codeSize!, classesWithBg: classesWithBg!, numClasses: a.num_classes, maxDetections: a.max_detections,
      perAnchor: Math.min(a.max_classes_per_detection, a.num_classes), perClass: a.detections_per_class, regular: !!a.use_regular_nms,
      scoreThreshold: a.nms_score_threshold, iouThreshold: a.nms_iou_threshold, scale: [a.y_scale, a.x_scale, a.h_scale, a.w_scale], dq,
    };
  },
});

export const tfliteCustomOps = {
  'tflite.custom.TFLite_Detection_PostProcess': TFLite_Detection_PostProcess,
  'tflite.custom.MaxUnpooling2D': unpool,
  'tflite.custom.LiteRtMaxUnpooling2D': unpool,
  'tflite.custom.Convolution2DTransposeBias': Convolution2DTransposeBias,
};
