/**
 * Every LiteRT test model loads and runs, or fails with a KilnError that says why (expectations/
 * litert.json lists those, each with its reason); models with LiteRT.js references must match them.
 * The closed-form LiteRT.js / TFLite cases (expected.json) must all give the right numbers.
 */
import { describe, expect, it } from 'vitest';
import { compareWithExpectations, loadExpectations } from './expectations.js';
import { expectedCases, isPass, litertCases, runExpectedCase, runLitertCase, type LitertResult } from './litert.js';

describe('LiteRT models', () => {
  it('each loads and runs, or fails with the listed KilnError', async () => {
    const results: LitertResult[] = [];
    for (const id of litertCases()) results.push(await runLitertCase(id));
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    console.log(`litert: ${results.length} models: ${JSON.stringify(counts)}`);
    const crashes = results.filter((r) => r.message?.startsWith('non-Kiln')).map((r) => `${r.id}: ${r.message}`);
    expect(crashes).toEqual([]);
    const problems = compareWithExpectations('litert', results.map((r) => ({ id: r.id, pass: isPass(r), message: `${r.status}: ${r.message}` })), loadExpectations('litert'));
    expect(problems).toEqual([]);
  });

  it('the LiteRT.js and TFLite closed-form cases give the right numbers', async () => {
    const failures: string[] = [];
    const cases = expectedCases();
    expect(cases.length).toBe(15);
    for (const { id, folder, c } of cases) {
      const why = await runExpectedCase(folder, c).catch((e: Error) => e.message);
      if (why) failures.push(`${id}: ${why}`);
    }
    expect(failures).toEqual([]);
  });
});
