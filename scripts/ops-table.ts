/**
 * Writes docs/ops.md: every op Kiln knows (OP_TABLE), its domain, the opsets it covers, and which
 * backends have a kernel for it. `npm run docs:ops`; test/unit/op-table.test.ts fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { renderOpsTable } from './ops-table-render.js';

const out = new URL('../docs/ops.md', import.meta.url);
writeFileSync(out, renderOpsTable());
console.log(`wrote ${out.pathname}`);
