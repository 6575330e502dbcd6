/** The expectations file itself: every entry names a real case and gives a reason. */
import { describe, expect, it } from 'vitest';
import { loadExpectations } from './expectations.js';
import { FOLDERS, listCases } from './runner.js';

describe('expectations/reference.json', () => {
  const e = loadExpectations('reference');
  const all = new Set(FOLDERS.flatMap((f) => listCases(f)));
  it('lists only cases that exist', () => {
    expect(Object.keys(e).filter((id) => !all.has(id))).toEqual([]);
  });
  it('gives every case a reason', () => {
    expect(Object.entries(e).filter(([, why]) => typeof why !== 'string' || why.trim().length < 8).map(([id]) => id)).toEqual([]);
  });
});
