/** Narrow float conversions: exhaustive round trips and the ONNX Cast edge cases. */
import { describe, expect, it } from 'vitest';
import {
  bfloat16ToNumber, e8m0ToNumber, float16ToNumber, miniFloatToNumber, numberToBfloat16, numberToE8m0, numberToFloat16,
  numberToMiniFloat, type MiniFloatName,
} from '../../src/engine/ir/minifloat.js';

describe('float16', () => {
  it('every code round-trips (NaNs stay NaN)', () => {
    for (let c = 0; c < 0x10000; c++) {
      const x = float16ToNumber(c);
      if (Number.isNaN(x)) expect(Number.isNaN(float16ToNumber(numberToFloat16(x)))).toBe(true);
      else expect(numberToFloat16(x)).toBe(c);
    }
  });
  it('rounds half to even and overflows to Inf', () => {
    expect(numberToFloat16(1 + 2 ** -11)).toBe(0x3c00); // tie → even (1.0)
    expect(numberToFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (1 + 2^-9)
    expect(numberToFloat16(65520)).toBe(0x7c00);
    expect(numberToFloat16(65519)).toBe(0x7bff);
    expect(numberToFloat16(2 ** -25)).toBe(0); // half the smallest subnormal → even (0)
    expect(numberToFloat16(-0)).toBe(0x8000);
  });
});

describe('bfloat16', () => {
  it('every non-NaN code round-trips', () => {
    for (let c = 0; c < 0x10000; c++) {
      const x = bfloat16ToNumber(c);
      if (!Number.isNaN(x)) expect(numberToBfloat16(x)).toBe(c);
      else expect(Number.isNaN(bfloat16ToNumber(numberToBfloat16(x)))).toBe(true);
    }
  });
});

describe('float8 / float4', () => {
  const names: MiniFloatName[] = ['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'float4e2m1'];
  it.each(names)('%s: every finite code round-trips', (n) => {
    const size = n === 'float4e2m1' ? 16 : 256;
    for (let c = 0; c < size; c++) {
      const x = miniFloatToNumber(n, c);
      if (Number.isFinite(x) && !(Object.is(x, 0) && c !== 0) && !(x === 0 && n.endsWith('fnuz'))) expect(numberToMiniFloat(n, x)).toBe(c);
    }
  });
  it('largest values and saturation', () => {
    expect(miniFloatToNumber('float8e4m3fn', 0x7e)).toBe(448);
    expect(miniFloatToNumber('float8e4m3fnuz', 0x7f)).toBe(240);
    expect(miniFloatToNumber('float8e5m2', 0x7b)).toBe(57344);
    expect(numberToMiniFloat('float8e4m3fn', 1e6)).toBe(0x7e);
    expect(numberToMiniFloat('float8e4m3fn', 1e6, false)).toBe(0x7f); // NaN
    expect(numberToMiniFloat('float8e5m2', Infinity, false)).toBe(0x7c);
    expect(numberToMiniFloat('float8e5m2', -Infinity, true)).toBe(0xfb);
    expect(numberToMiniFloat('float8e4m3fnuz', -Infinity, true)).toBe(0xff);
    expect(numberToMiniFloat('float8e4m3fnuz', NaN)).toBe(0x80);
    expect(numberToMiniFloat('float8e4m3fnuz', -0)).toBe(0); // no negative zero
    expect(numberToMiniFloat('float4e2m1', 7)).toBe(0x7); // 6 is the max
    expect(numberToMiniFloat('float4e2m1', NaN)).toBe(0x8);
    expect(numberToMiniFloat('float4e2m1', 2.5)).toBe(0x4); // tie between 2 (0x4) and 3 (0x5) → even
  });
  it('float8e8m0 rounding modes', () => {
    expect(e8m0ToNumber(127)).toBe(1);
    expect(numberToE8m0(3, true, 'up')).toBe(129);
    expect(numberToE8m0(3, true, 'down')).toBe(128);
    expect(numberToE8m0(3, true, 'nearest')).toBe(128); // tie (2 and 4) → even exponent
    expect(numberToE8m0(3.5, true, 'nearest')).toBe(129);
    expect(numberToE8m0(2.5, true, 'nearest')).toBe(128);
    expect(numberToE8m0(NaN)).toBe(0xff);
  });
});
