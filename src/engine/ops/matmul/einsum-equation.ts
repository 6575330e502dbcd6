/**
 * Einsum equations: parsing, ellipsis expansion and the implicit output, shared by the schema (shape
 * inference) and the reference kernel. Labels are strings: a letter, or `…0`, `…1`… for the axes an
 * ellipsis stands for (right-aligned across operands, numpy style).
 */
import { KilnError } from '../../errors.js';

export interface EinsumSpec {
  /** Per input, one label per axis (repeated labels = diagonal). */
  readonly inputs: readonly (readonly string[])[];
  /** Output labels, each once. */
  readonly output: readonly string[];
}

const bad = (eq: string, why: string): never => {
  throw new KilnError('E_MODEL_INVALID', `Einsum equation '${eq}': ${why}`);
};

/** Splits one term into letters and at most one ellipsis marker ('.'). */
function terms(eq: string, t: string): string[] {
  const out: string[] = [];
  const s = t.replace(/\s+/g, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '.') {
      if (s.slice(i, i + 3) !== '...') bad(eq, `stray '.' in '${t}'`);
      if (out.includes('...')) bad(eq, `more than one ellipsis in '${t}'`);
      out.push('...');
      i += 2;
    } else if (/[A-Za-z]/.test(ch)) {
      out.push(ch);
    } else {
      bad(eq, `unexpected character '${ch}'`);
    }
  }
  return out;
}

/** Parses `equation` for inputs of the given ranks. */
export function parseEinsum(equation: string, ranks: readonly number[]): EinsumSpec {
  const arrow = equation.indexOf('->');
  const lhs = arrow >= 0 ? equation.slice(0, arrow) : equation;
  const rhs = arrow >= 0 ? equation.slice(arrow + 2) : undefined;
  if (rhs !== undefined && rhs.includes('->')) bad(equation, 'more than one ->');
  const raw = lhs.split(',').map((t) => terms(equation, t));
  if (raw.length !== ranks.length) bad(equation, `${raw.length} input terms for ${ranks.length} inputs`);
  // How many axes each ellipsis covers.
  let ell = 0;
  const ellOf = raw.map((t, i) => {
    const letters = t.filter((x) => x !== '...').length;
    const has = t.includes('...');
    const r = ranks[i]!;
    if (!has && letters !== r) bad(equation, `term ${i} has ${letters} labels, input ${i} has rank ${r}`);
    if (has && letters > r) bad(equation, `term ${i} has ${letters} labels, input ${i} has rank ${r}`);
    const e = has ? r - letters : 0;
    ell = Math.max(ell, e);
    return e;
  });
  const ellLabels = (e: number) => Array.from({ length: e }, (_, k) => `…${ell - e + k}`);
  const inputs = raw.map((t, i) => t.flatMap((x) => (x === '...' ? ellLabels(ellOf[i]!) : [x])));
  let output: string[];
  if (rhs === undefined) {
    // Implicit: the ellipsis axes, then the letters seen exactly once, in alphabetical (code point) order.
    const count = new Map<string, number>();
    for (const t of inputs) for (const l of t) if (!l.startsWith('…')) count.set(l, (count.get(l) ?? 0) + 1);
    const once = [...count].filter(([, n]) => n === 1).map(([l]) => l).sort();
    output = [...ellLabels(ell), ...once];
  } else {
    const t = terms(equation, rhs);
    if (t.includes('...') && raw.every((x) => !x.includes('...'))) bad(equation, 'ellipsis in the output but in no input');
    output = t.flatMap((x) => (x === '...' ? ellLabels(ell) : [x]));
    const seen = new Set<string>();
    const all = new Set(inputs.flat());
    for (const l of output) {
      if (seen.has(l)) bad(equation, `output label '${l}' repeated`);
      if (!all.has(l)) bad(equation, `output label '${l}' is in no input`);
      seen.add(l);
    }
    // Without an ellipsis in the output, ellipsis axes are summed (numpy): nothing more to do.
  }
  return { inputs, output };
}
