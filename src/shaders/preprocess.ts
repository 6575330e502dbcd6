/**
 * A tiny WGSL preprocessor: `#define NAME [value]`, `#undef NAME`, `#ifdef`/`#ifndef`/`#elifdef`/`#else`/`#endif`
 * and `#include "name"`. Nothing else: no expressions, no macros with arguments.
 *
 * A define with a value replaces every whole-word occurrence of NAME in the lines after it (that is how a
 * program picks the element type: `T` → `f32`). Defines passed by the program come first. Includes name
 * another file of the shader library and are expanded once per shader (a second include is a no-op).
 */
import { KilnError } from '../engine/errors.js';

export type Defines = Readonly<Record<string, string | number | boolean>>;

const DIRECTIVE = /^\s*#(define|undef|ifdef|ifndef|elifdef|else|endif|include)\b\s*(.*)$/;

interface Frame {
  /** This branch's lines are emitted. */
  active: boolean;
  /** Some branch of this #if chain was already taken. */
  taken: boolean;
  /** The enclosing frame is active. */
  parent: boolean;
}

/**
 * Expands `source` with `defines` (false/undefined values are not defined). `library` resolves includes.
 * Throws KilnError('E_INTERNAL') on a malformed directive, so a typo fails at the first compile of any variant.
 */
export function preprocess(source: string, defines: Defines, library: (name: string) => string | undefined, name = 'shader'): string {
  const values = new Map<string, string>();
  for (const [k, v] of Object.entries(defines)) if (v !== false) values.set(k, v === true ? '' : String(v));
  const included = new Set<string>();
  const out: string[] = [];
  const fail = (msg: string): never => {
    throw new KilnError('E_INTERNAL', `WGSL preprocessor (${name}): ${msg}`);
  };

  const expand = (text: string, file: string): void => {
    const stack: Frame[] = [];
    const active = () => stack.length === 0 || stack[stack.length - 1]!.active;
    text.split('\n').forEach((line, i) => {
      const m = DIRECTIVE.exec(line);
      const where = `${file}:${i + 1}`;
      if (!m) {
        if (active()) out.push(substitute(line, values));
        return;
      }
      const [, dir, rest] = m as unknown as [string, string, string];
      const arg = rest.trim();
      switch (dir) {
        case 'ifdef': case 'ifndef': {
          const on = active() && values.has(word(arg, where)) === (dir === 'ifdef');
          stack.push({ active: on, taken: on, parent: active() });
          return;
        }
        case 'elifdef': {
          const f = stack[stack.length - 1] ?? fail(`${where}: #elifdef without #ifdef`);
          f.active = f.parent && !f.taken && values.has(word(arg, where));
          f.taken ||= f.active;
          return;
        }
        case 'else': {
          const f = stack[stack.length - 1] ?? fail(`${where}: #else without #ifdef`);
          f.active = f.parent && !f.taken;
          f.taken = true;
          return;
        }
        case 'endif':
          if (!stack.pop()) fail(`${where}: #endif without #ifdef`);
          return;
        default:
          break;
      }
      if (!active()) return;
      if (dir === 'define') {
        const dm = /^([A-Za-z_]\w*)(?:\s+(.*))?$/.exec(arg) ?? fail(`${where}: bad #define '${arg}'`);
        values.set(dm[1]!, (dm[2] ?? '').trim());
      } else if (dir === 'undef') {
        values.delete(word(arg, where));
      } else {
        const inc = /^"([\w./-]+)"$/.exec(arg)?.[1] ?? fail(`${where}: bad #include ${arg}`);
        if (included.has(inc)) return;
        included.add(inc);
        expand(library(inc) ?? fail(`${where}: no shader file '${inc}' to include`), inc);
      }
    });
    if (stack.length) fail(`${file}: ${stack.length} unterminated #ifdef`);
  };

  const word = (s: string, where: string): string => (/^[A-Za-z_]\w*$/.test(s) ? s : fail(`${where}: expected a name, got '${s}'`));
  expand(source, name);
  return out.join('\n');
}

/** Replaces whole-word defined names that have a value (empty-valued flags are left alone). */
function substitute(line: string, values: ReadonlyMap<string, string>): string {
  if (values.size === 0) return line;
  // A value may name another define (`#define V vec4<T>`): expand a few levels deep, no more.
  for (let depth = 0; depth < 4; depth++) {
    const next = line.replace(/[A-Za-z_]\w*/g, (w) => {
      const v = values.get(w);
      return v === undefined || v === '' ? w : v;
    });
    if (next === line) break;
    line = next;
  }
  return line;
}
