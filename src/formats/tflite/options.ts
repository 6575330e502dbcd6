/**
 * Builtin option tables (schema.fbs `union BuiltinOptions` and `BuiltinOptions2`), as data: for each
 * union member, in union order, its fields in declaration order as `name:kind[=default]`. The lowering
 * turns an operator's options into node attributes with the schema's field names (e.g. `stride_w`,
 * `fused_activation_function`), so op schemas read them by those names.
 */
import type { Attribute } from '../../engine/ir/graph.js';
import type { Table } from './flatbuffer.js';

const ACT = 'fused_activation_function:u8';
const CONV = `padding:u8 stride_w:i32 stride_h:i32`;

/** BuiltinOptions, union type 1.. in order. */
const OPTIONS: readonly (readonly [string, string])[] = [
  ['Conv2DOptions', `${CONV} ${ACT} dilation_w_factor:i32=1 dilation_h_factor:i32=1 quantized_bias_type:i8`],
  ['DepthwiseConv2DOptions', `${CONV} depth_multiplier:i32 ${ACT} dilation_w_factor:i32=1 dilation_h_factor:i32=1`],
  ['ConcatEmbeddingsOptions', 'num_channels:i32 num_columns_per_channel:i32[] embedding_dim_per_channel:i32[]'],
  ['LSHProjectionOptions', 'type:i8'],
  ['Pool2DOptions', `${CONV} filter_width:i32 filter_height:i32 ${ACT}`],
  ['SVDFOptions', `rank:i32 ${ACT} asymmetric_quantize_inputs:bool`],
  ['RNNOptions', `${ACT} asymmetric_quantize_inputs:bool`],
  ['FullyConnectedOptions', `${ACT} weights_format:i8 keep_num_dims:bool asymmetric_quantize_inputs:bool quantized_bias_type:i8`],
  ['SoftmaxOptions', 'beta:f32'],
  ['ConcatenationOptions', `axis:i32 ${ACT}`],
  ['AddOptions', `${ACT} pot_scale_int16:bool=1`],
  ['L2NormOptions', ACT],
  ['LocalResponseNormalizationOptions', 'radius:i32 bias:f32 alpha:f32 beta:f32'],
  ['LSTMOptions', `${ACT} cell_clip:f32 proj_clip:f32 kernel_type:i8 asymmetric_quantize_inputs:bool`],
  ['ResizeBilinearOptions', 'new_height:i32 new_width:i32 align_corners:bool half_pixel_centers:bool'],
  ['CallOptions', 'subgraph:u32'],
  ['ReshapeOptions', 'new_shape:i32[]'],
  ['SkipGramOptions', 'ngram_size:i32 max_skip_size:i32 include_all_ngrams:bool'],
  ['SpaceToDepthOptions', 'block_size:i32'],
  ['EmbeddingLookupSparseOptions', 'combiner:i8'],
  ['MulOptions', ACT],
  ['PadOptions', ''],
  ['GatherOptions', 'axis:i32 batch_dims:i32'],
  ['BatchToSpaceNDOptions', ''],
  ['SpaceToBatchNDOptions', ''],
  ['TransposeOptions', ''],
  ['ReducerOptions', 'keep_dims:bool'],
  ['SubOptions', `${ACT} pot_scale_int16:bool=1`],
  ['DivOptions', ACT],
  ['SqueezeOptions', 'squeeze_dims:i32[]'],
  ['SequenceRNNOptions', `time_major:bool ${ACT} asymmetric_quantize_inputs:bool`],
  ['StridedSliceOptions', 'begin_mask:i32 end_mask:i32 ellipsis_mask:i32 new_axis_mask:i32 shrink_axis_mask:i32 offset:bool'],
  ['ExpOptions', ''],
  ['TopKV2Options', ''],
  ['SplitOptions', 'num_splits:i32'],
  ['LogSoftmaxOptions', ''],
  ['CastOptions', 'in_data_type:i8 out_data_type:i8'],
  ['DequantizeOptions', ''],
  ['MaximumMinimumOptions', ''],
  ['ArgMaxOptions', 'output_type:i8'],
  ['LessOptions', ''],
  ['NegOptions', ''],
  ['PadV2Options', ''],
  ['GreaterOptions', ''],
  ['GreaterEqualOptions', ''],
  ['LessEqualOptions', ''],
  ['SelectOptions', ''],
  ['SliceOptions', ''],
  ['TransposeConvOptions', `${CONV} ${ACT} quantized_bias_type:i8`],
  ['SparseToDenseOptions', 'validate_indices:bool'],
  ['TileOptions', ''],
  ['ExpandDimsOptions', ''],
  ['EqualOptions', ''],
  ['NotEqualOptions', ''],
  ['ShapeOptions', 'out_type:i8'],
  ['PowOptions', ''],
  ['ArgMinOptions', 'output_type:i8'],
  ['FakeQuantOptions', 'min:f32 max:f32 num_bits:i32 narrow_range:bool'],
  ['PackOptions', 'values_count:i32 axis:i32'],
  ['LogicalOrOptions', ''],
  ['OneHotOptions', 'axis:i32'],
  ['LogicalAndOptions', ''],
  ['LogicalNotOptions', ''],
  ['UnpackOptions', 'num:i32 axis:i32'],
  ['FloorDivOptions', ''],
  ['SquareOptions', ''],
  ['ZerosLikeOptions', ''],
  ['FillOptions', ''],
  ['BidirectionalSequenceLSTMOptions', `${ACT} cell_clip:f32 proj_clip:f32 merge_outputs:bool time_major:bool=1 asymmetric_quantize_inputs:bool`],
  ['BidirectionalSequenceRNNOptions', `time_major:bool ${ACT} merge_outputs:bool asymmetric_quantize_inputs:bool`],
  ['UnidirectionalSequenceLSTMOptions', `${ACT} cell_clip:f32 proj_clip:f32 time_major:bool asymmetric_quantize_inputs:bool diagonal_recurrent_tensors:bool`],
  ['FloorModOptions', ''],
  ['RangeOptions', ''],
  ['ResizeNearestNeighborOptions', 'align_corners:bool half_pixel_centers:bool'],
  ['LeakyReluOptions', 'alpha:f32'],
  ['SquaredDifferenceOptions', ''],
  ['MirrorPadOptions', 'mode:i8'],
  ['AbsOptions', ''],
  ['SplitVOptions', 'num_splits:i32'],
  ['UniqueOptions', 'idx_out_type:i8=2'],
  ['ReverseV2Options', ''],
  ['AddNOptions', ''],
  ['GatherNdOptions', ''],
  ['CosOptions', ''],
  ['WhereOptions', ''],
  ['RankOptions', ''],
  ['ReverseSequenceOptions', 'seq_dim:i32 batch_dim:i32'],
  ['MatrixDiagOptions', ''],
  ['QuantizeOptions', ''],
  ['MatrixSetDiagOptions', ''],
  ['HardSwishOptions', ''],
  ['IfOptions', 'then_subgraph_index:i32 else_subgraph_index:i32'],
  ['WhileOptions', 'cond_subgraph_index:i32 body_subgraph_index:i32'],
  ['DepthToSpaceOptions', 'block_size:i32'],
  ['NonMaxSuppressionV4Options', ''],
  ['NonMaxSuppressionV5Options', ''],
  ['ScatterNdOptions', ''],
  ['SelectV2Options', ''],
  ['DensifyOptions', ''],
  ['SegmentSumOptions', ''],
  ['BatchMatMulOptions', 'adj_x:bool adj_y:bool asymmetric_quantize_inputs:bool'],
  ['CumsumOptions', 'exclusive:bool reverse:bool'],
  ['CallOnceOptions', 'init_subgraph_index:i32'],
  ['BroadcastToOptions', ''],
  ['Rfft2dOptions', ''],
  ['Conv3DOptions', `padding:u8 stride_d:i32 stride_w:i32 stride_h:i32 ${ACT} dilation_d_factor:i32=1 dilation_w_factor:i32=1 dilation_h_factor:i32=1`],
  ['HashtableOptions', 'table_id:i32 key_dtype:i8 value_dtype:i8'],
  ['HashtableFindOptions', ''],
  ['HashtableImportOptions', ''],
  ['HashtableSizeOptions', ''],
  ['VarHandleOptions', 'container:string shared_name:string'],
  ['ReadVariableOptions', ''],
  ['AssignVariableOptions', ''],
  ['RandomOptions', 'seed:i64 seed2:i64'],
  ['BucketizeOptions', 'boundaries:f32[]'],
  ['GeluOptions', 'approximate:bool'],
  ['DynamicUpdateSliceOptions', ''],
  ['UnsortedSegmentProdOptions', ''],
  ['UnsortedSegmentMaxOptions', ''],
  ['UnsortedSegmentMinOptions', ''],
  ['UnsortedSegmentSumOptions', ''],
  ['ATan2Options', ''],
  ['SignOptions', ''],
  ['BitcastOptions', ''],
  ['BitwiseXorOptions', ''],
  ['RightShiftOptions', ''],
];

/** BuiltinOptions2 (StableHLO ops), union type 1.. in order; only the members Kiln reads have fields. */
const OPTIONS2: readonly (readonly [string, string])[] = [
  ['StablehloConcatenateOptions', 'dimension:i64'],
  ['StablehloBroadcastInDimOptions', 'broadcast_dimensions:i64[]'],
  ['StablehloSliceOptions', 'start_indices:i64[] limit_indices:i64[] strides:i64[]'],
  ['StablehloConvolutionOptions', ''],
  ['StablehloCustomCallOptions', 'call_target_name:string'],
  ['StablehloReduceOptions', 'dimensions:i64[] body_subgraph_index:i32'],
  ['StablehloScatterOptions', ''],
  ['StablehloCompareOptions', 'comparison_direction:u32 compare_type:u32'],
  ['StablehloDynamicSliceOptions', 'slice_sizes:i64[]'],
  ['StablehloPadOptions', 'edge_padding_low:i64[] edge_padding_high:i64[] interior_padding:i64[]'],
  ['StablehloIotaOptions', 'iota_dimension:i64'],
  ['StablehloDotGeneralOptions', ''],
  ['StablehloReduceWindowOptions', ''],
  ['StablehloSortOptions', 'dimension:i64 is_stable:bool comparator_subgraph_index:i32'],
  ['StablehloWhileOptions', 'cond_subgraph_index:i32 body_subgraph_index:i32'],
  ['StablehloGatherOptions', ''],
  ['StablehloTransposeOptions', 'permutation:i64[]'],
  ['DilateOptions', ''],
  ['StablehloRngBitGeneratorOptions', 'algorithm:i8'],
  ['ReduceWindowOptions', 'reduce_function:i32'],
  ['StableHLOCompositeOptions', 'name:string decomposition_subgraph_index:i32 composite_attributes:u8[] composite_attributes_format:i8 version:i32'],
  ['StablehloShiftLeftOptions', ''],
  ['StablehloCaseOptions', 'branch_subgraph_indices:i32[]'],
];

type Kind = 'u8' | 'i8' | 'bool' | 'i32' | 'u32' | 'f32' | 'i64' | 'i32[]' | 'i64[]' | 'f32[]' | 'u8[]' | 'string';
interface FieldSpec { readonly name: string; readonly kind: Kind; readonly def: number }

const parse = (spec: string): FieldSpec[] => spec.split(' ').filter(Boolean).map((f) => {
  const [name, rest] = f.split(':') as [string, string];
  const [kind, def] = rest.split('=');
  return { name, kind: kind as Kind, def: def === undefined ? 0 : Number(def) };
});
const TABLES = OPTIONS.map(([n, s]) => ({ name: n, fields: parse(s) }));
const TABLES2 = OPTIONS2.map(([n, s]) => ({ name: n, fields: parse(s) }));

/** Name of an options union member, for messages and `kiln inspect`. */
export const optionsName = (type: number, second = false): string =>
  (second ? TABLES2 : TABLES)[type - 1]?.name ?? `${second ? 'BuiltinOptions2' : 'BuiltinOptions'}#${type}`;

/** Reads an options table into attributes (every field, defaults filled). Unknown union types give none. */
export function readOptions(type: number, t: Table | undefined, second = false): Map<string, Attribute> {
  const out = new Map<string, Attribute>();
  const spec = (second ? TABLES2 : TABLES)[type - 1];
  if (!spec) return out;
  spec.fields.forEach((f, i) => {
    const field = `${spec.name}.${f.name}`;
    switch (f.kind) {
      case 'u8': case 'i8': case 'i32': case 'u32': case 'i64':
        out.set(f.name, { type: 'int', value: t ? t.scalar(i, f.kind, field, f.def) : f.def });
        break;
      case 'bool':
        out.set(f.name, { type: 'int', value: t ? Number(t.bool(i, field, f.def !== 0)) : f.def });
        break;
      case 'f32':
        out.set(f.name, { type: 'float', value: t ? t.scalar(i, 'f32', field, f.def) : f.def });
        break;
      case 'i32[]': case 'i64[]': case 'u8[]':
        out.set(f.name, { type: 'ints', value: t ? t.scalars(i, f.kind.slice(0, -2) as 'i32', field) : [] });
        break;
      case 'f32[]':
        out.set(f.name, { type: 'floats', value: t ? t.scalars(i, 'f32', field) : [] });
        break;
      case 'string':
        out.set(f.name, { type: 'string', value: t?.string(i, field) ?? '' });
        break;
    }
  });
  return out;
}
