#!/usr/bin/env node
// The `kiln` command. Runs the compiled CLI (dist/, built by `npm run build`, which `npm install` runs).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('kiln: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}
await import(entry.href);
