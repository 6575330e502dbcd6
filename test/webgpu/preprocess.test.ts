/** The WGSL preprocessor, and every shader file expanding cleanly. */
import { describe, expect, it } from 'vitest';
import { preprocess } from '../../src/shaders/preprocess.js';
import { shaderText } from '../../src/shaders/pipeline-cache.js';
import { WGSL_SOURCES } from '../../src/shaders/wgsl-sources.js';

const lib = (files: Record<string, string>) => (n: string) => files[n];

describe('preprocess', () => {
  it('substitutes defines with values, whole words only', () => {
    expect(preprocess('var x: T; let TT = T(1);', { T: 'f32' }, lib({}))).toBe('var x: f32; let TT = f32(1);');
  });
  it('expands a define that names another', () => {
    expect(preprocess('#define V vec4<T>\nvar x: V;', { T: 'f16' }, lib({}))).toBe('var x: vec4<f16>;');
  });
  it('keeps one branch of #ifdef / #elifdef / #else, nested', () => {
    const src = ['#ifdef A', 'a', '#ifdef B', 'ab', '#endif', '#elifdef C', 'c', '#else', 'none', '#endif'].join('\n');
    expect(preprocess(src, { A: true, B: true }, lib({}))).toBe('a\nab');
    expect(preprocess(src, { A: true }, lib({}))).toBe('a');
    expect(preprocess(src, { C: true }, lib({}))).toBe('c');
    expect(preprocess(src, { A: false }, lib({}))).toBe('none');
  });
  it('#ifndef, #define and #undef inside the file', () => {
    expect(preprocess('#define X\n#ifndef X\nno\n#endif\n#undef X\n#ifndef X\nyes\n#endif', {}, lib({}))).toBe('yes');
  });
  it('#include expands once', () => {
    const l = lib({ common: 'fn f() {}' });
    expect(preprocess('#include "common"\n#include "common"\nmain', {}, l)).toBe('fn f() {}\nmain');
  });
  it('fails on malformed directives', () => {
    expect(() => preprocess('#ifdef A\nx', {}, lib({}))).toThrow(/unterminated/);
    expect(() => preprocess('#endif', {}, lib({}))).toThrow(/without/);
    expect(() => preprocess('#include "nope"', {}, lib({}))).toThrow(/no shader file/);
    expect(() => preprocess('#ifdef 1x\n#endif', {}, lib({}))).toThrow(/expected a name/);
  });
  it('every .wgsl file expands with no directive left over', () => {
    for (const name of Object.keys(WGSL_SOURCES)) {
      const text = shaderText({ shader: name, defines: { T: 'f32', TY: 'f32', TA: 'f32', TB: 'f32', TI: 'f32', TO: 'f32' } }, false);
      expect(text, name).not.toMatch(/^\s*#/m);
    }
  });
});
