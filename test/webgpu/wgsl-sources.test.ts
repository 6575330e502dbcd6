/** src/shaders/wgsl-sources.ts must match the .wgsl files (regenerate: npx tsx scripts/build-shaders.ts). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SOURCES_MODULE, renderWgslSources } from '../../scripts/build-shaders.js';

it('wgsl-sources.ts is up to date with src/shaders/wgsl/*.wgsl', () => {
  expect(readFileSync(SOURCES_MODULE, 'utf8') === renderWgslSources(), 'stale: run `npx tsx scripts/build-shaders.ts`').toBe(true);
});
