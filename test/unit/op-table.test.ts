/** Every op in OP_TABLE has a reference kernel, and every reference kernel has a schema. */
import { describe, expect, it } from 'vitest';
import { OP_TABLE } from '../../src/index.js';
import { REFERENCE_KERNELS } from '../../src/reference/index.js';

describe('op table', () => {
  it('the reference backend covers every op schema', () => {
    expect(Object.keys(OP_TABLE).filter((k) => !(k in REFERENCE_KERNELS))).toEqual([]);
  });
  it('every reference kernel has a schema', () => {
    expect(Object.keys(REFERENCE_KERNELS).filter((k) => !(k in OP_TABLE))).toEqual([]);
  });
  it('schemas for non-default domains carry the domain in their key', () => {
    const bad = Object.entries(OP_TABLE).filter(([k, s]) => (s.domain === '' ? k.includes('.') : !k.startsWith(`${s.domain}.`)));
    expect(bad.map(([k]) => k)).toEqual([]);
  });
});

describe('docs/ops.md', () => {
  it('is up to date (regenerate with npm run docs:ops)', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderOpsTable } = await import('../../scripts/ops-table-render.js');
    expect(readFileSync(new URL('../../docs/ops.md', import.meta.url), 'utf8')).toBe(renderOpsTable());
  });
});
