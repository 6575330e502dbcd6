/** Reference kernels: TFLite broadcasting binary ops, float, integer and quantized (see the schema). */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { KilnError } from '../../engine/errors.js';
import { fromBigInts, fromNumbers, toBigInts, toNumbers } from '../../engine/elements.js';
import { BINARY_OPS, tfliteBinaryOps as ops, type BinaryParams } from '../../engine/ops/tflite/binary.js';
import { Tensor } from '../../engine/tensor.js';
import { clamp, mbqm, mbqmSmall, rdbp } from './fixedpoint.js';
import { roundHalfAway } from './util.js';

/** Calls fn(out, ia, ib) for every output element of a numpy-style broadcast. */
export function broadcast2(outDims: readonly number[], a: readonly number[], b: readonly number[], fn: (o: number, ia: number, ib: number) => void): void {
  const rank = outDims.length;
  const total = outDims.reduce((x, y) => x * y, 1);
  const strideOf = (d: readonly number[]) => {
    const s = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let k = d.length - 1, r = rank - 1; k >= 0; k--, r--) {
      s[r] = d[k] === 1 ? 0 : acc;
      acc *= d[k]!;
    }
    return s;
  };
  const sa = strideOf(a);
  const sb = strideOf(b);
  const idx = new Array<number>(rank).fill(0);
  let ia = 0, ib = 0;
  for (let o = 0; o < total; o++) {
    fn(o, ia, ib);
    for (let k = rank - 1; k >= 0; k--) {
      idx[k]!++;
      ia += sa[k]!;
      ib += sb[k]!;
      if (idx[k]! < outDims[k]!) break;
      ia -= sa[k]! * outDims[k]!;
      ib -= sb[k]! * outDims[k]!;
      idx[k] = 0;
    }
  }
}

const fmodFloor = (x: number, y: number): number => {
  const t = x % y;
  return t !== 0 && (y < 0) !== (t < 0) ? t + y : t;
};

/** The op on two doubles (float math, or integer math when `int`). */
function scalarFn(op: string, int: boolean): (a: number, b: number) => number {
  const f32 = (x: number) => (int ? x : Math.fround(x));
  switch (op) {
    case 'ADD': case 'STABLEHLO_ADD': return int ? (a, b) => (a + b) | 0 : (a, b) => a + b;
    case 'SUB': case 'STABLEHLO_SUBTRACT': return int ? (a, b) => (a - b) | 0 : (a, b) => a - b;
    case 'MUL': case 'STABLEHLO_MULTIPLY': return int ? (a, b) => Math.imul(a, b) : (a, b) => a * b;
    case 'DIV': case 'STABLEHLO_DIVIDE': return int ? (a, b) => {
      if (b === 0) throw new KilnError('E_RUNTIME', 'integer division by zero');
      return Math.trunc(a / b) | 0;
    } : (a, b) => a / b;
    case 'MAXIMUM': case 'STABLEHLO_MAXIMUM': return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
    case 'MINIMUM': case 'STABLEHLO_MINIMUM': return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));
    case 'POW': case 'STABLEHLO_POWER': return int ? (a, b) => (b < 0 ? 0 : Number(BigInt.asIntN(32, BigInt(a) ** BigInt(b)))) : (a, b) => a ** b;
    case 'FLOOR_DIV': return int ? (a, b) => {
      if (b === 0) throw new KilnError('E_RUNTIME', 'integer division by zero');
      return Math.floor(a / b) | 0;
    } : (a, b) => Math.floor(f32(a / b));
    case 'FLOOR_MOD': return int ? (a, b) => {
      if (b === 0) throw new KilnError('E_RUNTIME', 'integer division by zero');
      return fmodFloor(a, b);
    } : fmodFloor;
    case 'STABLEHLO_REMAINDER': return (a, b) => a % b;
    case 'SQUARED_DIFFERENCE': return (a, b) => { const d = f32(a - b); return d * d; };
    case 'ATAN2': return Math.atan2;
    case 'LESS': return (a, b) => Number(a < b);
    case 'LESS_EQUAL': return (a, b) => Number(a <= b);
    case 'GREATER': return (a, b) => Number(a > b);
    case 'GREATER_EQUAL': return (a, b) => Number(a >= b);
    case 'EQUAL': return (a, b) => Number(a === b);
    case 'NOT_EQUAL': return (a, b) => Number(a !== b);
    case 'LOGICAL_AND': return (a, b) => Number(a !== 0 && b !== 0);
    case 'LOGICAL_OR': return (a, b) => Number(a !== 0 || b !== 0);
    case 'BITWISE_XOR': return (a, b) => a ^ b;
    case 'STABLEHLO_AND': return (a, b) => a & b;
    case 'STABLEHLO_OR': return (a, b) => a | b;
    case 'RIGHT_SHIFT': return (a, b) => a >> b;
    case 'STABLEHLO_SHIFT_LEFT': return (a, b) => a << b;
    default: throw new KilnError('E_OP_UNSUPPORTED', `no reference math for ${op}`);
  }
}

const COMPARE_DIR = ['EQUAL', 'NOT_EQUAL', 'GREATER_EQUAL', 'GREATER', 'LESS_EQUAL', 'LESS'];

function bigFn(op: string): (a: bigint, b: bigint) => bigint {
  switch (op) {
    case 'ADD': case 'STABLEHLO_ADD': return (a, b) => a + b;
    case 'SUB': case 'STABLEHLO_SUBTRACT': return (a, b) => a - b;
    case 'MUL': case 'STABLEHLO_MULTIPLY': return (a, b) => a * b;
    case 'DIV': case 'STABLEHLO_DIVIDE': case 'FLOOR_DIV': return (a, b) => {
      if (b === 0n) throw new KilnError('E_RUNTIME', 'integer division by zero');
      const q = a / b;
      return op === 'FLOOR_DIV' && (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
    };
    case 'FLOOR_MOD': return (a, b) => {
      if (b === 0n) throw new KilnError('E_RUNTIME', 'integer division by zero');
      const t = a % b;
      return t !== 0n && (b < 0n) !== (t < 0n) ? t + b : t;
    };
    case 'MAXIMUM': case 'STABLEHLO_MAXIMUM': return (a, b) => (a > b ? a : b);
    case 'MINIMUM': case 'STABLEHLO_MINIMUM': return (a, b) => (a < b ? a : b);
    default: {
      const f = scalarFn(op, true);
      return (a, b) => BigInt(f(Number(a), Number(b)));
    }
  }
}

function run(p: BinaryParams, x: Tensor, y: Tensor): Tensor {
  const op = p.op === 'STABLEHLO_COMPARE' ? COMPARE_DIR[p.cmpDir] ?? 'EQUAL' : p.op;
  const n = p.outDims.reduce((a, b) => a * b, 1);
  if (p.mode === 'int64' && p.outType !== 'bool') {
    const a = toBigInts(x), b = toBigInts(y), f = bigFn(op);
    const out = new Array<bigint>(n);
    broadcast2(p.outDims, x.dims, y.dims, (o, ia, ib) => { out[o] = f(a[ia]!, b[ib]!); });
    return fromBigInts(p.outType, out, p.outDims);
  }
  const a = toNumbers(x), b = toNumbers(y);
  const out = new Float64Array(n);
  const { actMin, actMax } = p;
  switch (p.mode) {
    case 'addsub': {
      const sign = op === 'SUB' ? -1 : 1;
      const ls = 2 ** p.leftShift;
      broadcast2(p.outDims, x.dims, y.dims, (o, ia, ib) => {
        const v1 = mbqmSmall(((a[ia]! + p.off1) * ls) | 0, p.m1, p.s1);
        const v2 = mbqmSmall(((b[ib]! + p.off2) * ls) | 0, p.m2, p.s2);
        out[o] = clamp(mbqmSmall((v1 + sign * v2) | 0, p.mOut, p.sOut) + p.outOff, actMin, actMax);
      });
      break;
    }
    case 'pot16': {
      const sat = (v: number) => clamp(v, -32768, 32767);
      broadcast2(p.outDims, x.dims, y.dims, (o, ia, ib) => {
        const v1 = rdbp(a[ia]!, -p.s1);
        const v2 = rdbp(b[ib]!, -p.s2);
        out[o] = clamp(sat(op === 'SUB' ? v1 - v2 : v1 + v2), actMin, actMax);
      });
      break;
    }
    case 'mul':
      broadcast2(p.outDims, x.dims, y.dims, (o, ia, ib) => {
        out[o] = clamp(mbqm(((a[ia]! + p.off1) * (b[ib]! + p.off2)) | 0, p.mOut, p.sOut) + p.outOff, actMin, actMax);
      });
      break;
    case 'dequant': {
      const f = scalarFn(op, false);
      broadcast2(p.outDims, x.dims, y.dims, (o, ia, ib) => {
        const r = f(p.scale1 * (a[ia]! + p.off1), p.scale2 * (b[ib]! + p.off2));
        out[o] = p.outType === 'bool' ? r : clamp(roundHalfAway(r / p.scaleOut) + p.outOff, actMin, actMax);
      });
      break;
    }
    default: {
      const f = scalarFn(op, p.mode === 'int' || p.mode === 'raw' || (p.mode === 'bool' && !op.startsWith('LOGICAL')));
      broadcast2(p.outDims, x.dims, y.dims, (o, ia, ib) => { out[o] = clamp(f(a[ia]!, b[ib]!), actMin, actMax); });
    }
  }
  return fromNumbers(p.outType, out, p.outDims);
}

export const tfliteBinaryKernels: KernelMap = Object.fromEntries(BINARY_OPS.map((name) => {
  const schema = ops[`tflite.${name}`];
  return [`tflite.${name}`, kernel(schema, (inputs, p) => [run(p, inputs[0] as Tensor, inputs[1] as Tensor)])];
}));

