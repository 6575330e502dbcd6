import type { DType, QuantParams } from './dtype.js';

/**
 * A dimension: a known size, or a symbol. Symbols that come from the model (`batch`, `seq_len`) keep
 * their names; sizes nobody can know before run time get a fresh `?N` symbol.
 */
export type Dim = number | string;

export interface TensorType {
  readonly kind: 'tensor';
  readonly dtype: DType;
  /** undefined when even the rank is unknown. */
  readonly shape?: readonly Dim[];
  readonly quant?: QuantParams;
}

export interface SequenceType {
  readonly kind: 'sequence';
  readonly elem?: ValueType;
}

export interface OptionalType {
  readonly kind: 'optional';
  readonly elem?: ValueType;
}

export interface MapType {
  readonly kind: 'map';
  readonly key: DType;
  readonly value?: ValueType;
}

export type ValueType = TensorType | SequenceType | OptionalType | MapType;

export const tensorType = (dtype: DType, shape?: readonly Dim[], quant?: QuantParams): TensorType =>
  quant ? { kind: 'tensor', dtype, shape, quant } : { kind: 'tensor', dtype, shape };

let freshCounter = 0;
/** A new symbol for a size that cannot be known statically. */
export const freshDim = (): string => `?${++freshCounter}`;

export const isConcreteShape = (shape: readonly Dim[] | undefined): shape is readonly number[] =>
  shape !== undefined && shape.every((d) => typeof d === 'number');

export function formatShape(shape: readonly Dim[] | undefined): string {
  return shape === undefined ? '[?]' : `[${shape.join(',')}]`;
}

export function formatType(t: ValueType | undefined): string {
  if (!t) return '?';
  switch (t.kind) {
    case 'tensor': return `${t.dtype}${formatShape(t.shape)}`;
    case 'sequence': return `seq(${formatType(t.elem)})`;
    case 'optional': return `optional(${formatType(t.elem)})`;
    case 'map': return `map(${t.key},${formatType(t.value)})`;
  }
}
