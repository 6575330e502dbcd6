/**
 * The house rules of DESIGN.md, checked: which folder may import which, and no source file over
 * 400 lines unless test/unit/long-files.json names it with a reason.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import longFiles from './long-files.json' with { type: 'json' };

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

/** Top-level area of a file under src: 'engine', 'reference', 'formats/onnx', … */
function area(file: string): string {
  const parts = relative(SRC, file).split('/');
  if (parts[0] === 'formats' && parts.length > 2) return `formats/${parts[1]}`;
  return parts.length > 1 ? parts[0]! : '(root)';
}

/** Which areas each area may import (besides itself). '*' = anything. */
const ALLOWED: Record<string, readonly string[] | '*'> = {
  engine: [],
  reference: ['engine'],
  wasm: ['engine'],
  shaders: ['engine'],
  'formats/onnx': ['engine'],
  'formats/tflite': ['engine'],
  'formats/gguf': ['engine'],
  llm: ['engine', 'formats/gguf', 'cache'],
  cache: ['engine'],
  bridges: ['engine'],
  workers: '*',
  cli: '*',
  '(root)': '*',
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const files = walk(SRC);
const importRe = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\s*\(?\s*['"](\.[^'"]+)['"]/g;

describe('architecture', () => {
  it('every area imports only what DESIGN.md allows', () => {
    const violations: string[] = [];
    for (const f of files) {
      const from = area(f);
      const allowed = ALLOWED[from];
      if (allowed === undefined) {
        violations.push(`${relative(ROOT, f)}: area '${from}' is not in the import table; add it`);
        continue;
      }
      if (allowed === '*') continue;
      for (const m of readFileSync(f, 'utf8').matchAll(importRe)) {
        const target = resolve(dirname(f), (m[1] ?? m[2])!);
        if (!target.startsWith(SRC)) continue;
        const to = area(target.replace(/\.js$/, '.ts'));
        if (to !== from && !allowed.includes(to)) violations.push(`${relative(ROOT, f)} imports ${to} (${m[1] ?? m[2]})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('no source file passes 400 lines unless listed with a reason', () => {
    const allow = longFiles as Record<string, string>;
    const tooLong = [...files, ...walk(join(ROOT, 'test'))]
      .map((f) => ({ f: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter(({ f, lines }) => lines > 400 && !allow[f])
      .map(({ f, lines }) => `${f}: ${lines} lines`);
    expect(tooLong).toEqual([]);
  });
});
