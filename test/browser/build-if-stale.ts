/**
 * Browser tests of built pages (the demo, Kiln Chat) build them first with Vite when any source file
 * under the given folders is newer than the build's marker file.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    if (f.name === 'dist' || f.name === 'node_modules') continue;
    const p = join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Runs `vite build` with configFile unless `marker` is newer than every file under `sources`. */
export async function buildIfStale(configFile: string, marker: string, sources: readonly string[]): Promise<void> {
  let builtAt = 0;
  try {
    builtAt = statSync(marker).mtimeMs;
  } catch {}
  if (builtAt > Math.max(...sources.map(newest))) return;
  const { build } = await import('vite');
  await build({ configFile, logLevel: 'error' });
}
