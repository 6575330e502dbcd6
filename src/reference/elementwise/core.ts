/**
 * Building blocks of the elementwise reference kernels: map a function over one tensor, or over
 * broadcast inputs. Float math runs in doubles and rounds once to the output type; 64-bit integers
 * run in bigints so they stay exact.
 */
import type { RuntimeValue } from '../../engine/backend.js';
import { fromBigInts, fromNumbers, toBigInts, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { DTYPES, isWideInt, type DType } from '../../engine/ir/dtype.js';
import type { BroadcastParams } from '../../engine/ops/elementwise.js';
import { Tensor } from '../../engine/tensor.js';
import { broadcastIndex } from '../broadcast.js';

export type Inputs = readonly (RuntimeValue | undefined)[];

/** Input `i` as a tensor (the schema already checked it is one). */
export function tensorAt(inputs: Inputs, i: number): Tensor {
  const v = inputs[i];
  if (!(v instanceof Tensor)) throw new KilnError('E_INPUT_INVALID', `input ${i} must be a tensor`);
  return v;
}

/** Input `i` as a tensor, or undefined when the optional input is omitted. */
export function optionalTensorAt(inputs: Inputs, i: number): Tensor | undefined {
  return inputs[i] === undefined || inputs[i] === null ? undefined : tensorAt(inputs, i);
}

export const isIntType = (t: DType): boolean => DTYPES[t].kind === 'int' || DTYPES[t].kind === 'uint';

/** One elementwise operation, given per number domain. */
export interface NumericOp {
  /** Doubles (floats, and integers when `int` is absent). */
  readonly float: (a: number, b: number) => number;
  /** Integer types up to 32 bits, where the float formula would be inexact or wrong (Mul, Div). */
  readonly int?: (a: number, b: number) => number;
  /** int64/uint64, exactly. Without it 64-bit integers go through doubles. */
  readonly big?: (a: bigint, b: bigint) => bigint;
}

/** For each input, the flat index it is read at for each output element. */
export function indexMaps(p: BroadcastParams): Int32Array[] {
  return p.inDims.map((d) => broadcastIndex(d, p.outDims));
}

/** Folds 1..N broadcast inputs with `op` (left to right), then `finish` on doubles / bigints. */
export function foldBroadcast(
  ts: readonly Tensor[], p: BroadcastParams, op: NumericOp, outType: DType = ts[0]!.type,
  finish?: { float?: (acc: number) => number; big?: (acc: bigint) => bigint },
): Tensor {
  const maps = indexMaps(p);
  const n = maps[0]!.length;
  if (op.big && isWideInt(ts[0]!.type)) {
    const vals = ts.map(toBigInts);
    const out = new Array<bigint>(n);
    for (let j = 0; j < n; j++) {
      let acc = vals[0]![maps[0]![j]!]!;
      for (let k = 1; k < vals.length; k++) acc = op.big(acc, vals[k]![maps[k]![j]!]!);
      out[j] = finish?.big ? finish.big(acc) : acc;
    }
    return fromBigInts(outType, out, p.outDims);
  }
  const f = op.int && isIntType(ts[0]!.type) ? op.int : op.float;
  const vals = ts.map(toNumbers);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let acc = vals[0]![maps[0]![j]!]!;
    for (let k = 1; k < vals.length; k++) acc = f(acc, vals[k]![maps[k]![j]!]!);
    out[j] = finish?.float ? finish.float(acc) : acc;
  }
  return fromNumbers(outType, out, p.outDims);
}

/** A broadcasting binary op whose output has the first input's type (or `outType`). */
export function mapBinary(a: Tensor, b: Tensor, p: BroadcastParams, op: NumericOp, outType: DType = a.type): Tensor {
  return foldBroadcast([a, b], p, op, outType);
}

type Comparable = number | bigint | string;

/** Values in a form `<`/`===` compare exactly: strings, bigints for 64-bit ints, doubles otherwise. */
function comparable(t: Tensor): ArrayLike<Comparable> {
  if (t.type === 'string') return t.data as string[];
  if (isWideInt(t.type)) return toBigInts(t);
  return toNumbers(t);
}

/** A broadcasting comparison over 2 inputs; bool output. */
export function compareBinary(a: Tensor, b: Tensor, p: BroadcastParams, pred: <T extends Comparable>(x: T, y: T) => boolean): Tensor {
  const [ia, ib] = indexMaps(p);
  const x = comparable(a);
  const y = comparable(b);
  const out = new Uint8Array(ia!.length);
  for (let j = 0; j < out.length; j++) out[j] = pred(x[ia![j]!]!, y[ib![j]!]!) ? 1 : 0;
  return new Tensor('bool', out, p.outDims);
}

/** Maps a unary function; `big` keeps 64-bit integers exact, `int` serves integer types up to 32 bits. */
export function mapUnary(x: Tensor, f: (v: number) => number, big?: (v: bigint) => bigint, outType: DType = x.type): Tensor {
  if (big && isWideInt(x.type)) return fromBigInts(outType, toBigInts(x).map(big), x.dims);
  return fromNumbers(outType, toNumbers(x).map(f), x.dims);
}

/** Maps a predicate to a bool tensor. */
export function mapPredicate(x: Tensor, f: (v: number) => boolean): Tensor {
  const v = toNumbers(x);
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = f(v[i]!) ? 1 : 0;
  return new Tensor('bool', out, x.dims);
}

export function divisionByZero(): never {
  throw new KilnError('E_INPUT_INVALID', 'integer division by zero');
}
