/** expectations/wasm.json: every entry names a real case and gives a reason. */
import { describe, expect, it } from 'vitest';
import { loadExpectations } from './expectations.js';
import { FOLDERS, listCases } from './runner.js';

describe('expectations/wasm.json', () => {
  const e = loadExpectations('wasm');
  const all = new Set(FOLDERS.flatMap((f) => listCases(f)));
  it('lists only cases that exist, each with a reason', () => {
    expect(Object.keys(e).filter((id) => !all.has(id))).toEqual([]);
    expect(Object.entries(e).filter(([, why]) => typeof why !== 'string' || why.trim().length < 8).map(([id]) => id)).toEqual([]);
  });
});
