/**
 * A context-free grammar over Unicode code points, in the shape llama.cpp's GBNF engine uses: rules of
 * alternatives, each a sequence of character sets and references to rules. Repetition is written with
 * helper rules (right recursion), so no rule is left-recursive and a stack-based recognizer
 * (matcher.ts) can run it one code point at a time.
 *
 * Built with GrammarBuilder: `b.rule(name, [alt, alt…])` where an alt is a list of `lit('abc')`,
 * `chars('a-z0-9')`-style sets (`set`, `notSet`) or rule ids. Rules may be referenced before they are
 * defined (`b.ref(name)`).
 */
import { KilnError } from '../../engine/errors.js';

export interface CharSet {
  readonly kind: 'chars';
  /** Sorted, non-overlapping inclusive [lo, hi] pairs of code points. */
  readonly ranges: readonly number[];
  readonly negate: boolean;
}

export interface RuleRef {
  readonly kind: 'ref';
  readonly rule: number;
}

export type Elem = CharSet | RuleRef;
export type Alt = readonly Elem[];

export interface Grammar {
  readonly names: readonly string[];
  readonly rules: readonly (readonly Alt[])[];
  readonly start: number;
}

export function charSet(pairs: readonly number[], negate = false): CharSet {
  const sorted: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) sorted.push([pairs[i]!, pairs[i + 1]!]);
  sorted.sort((a, b) => a[0] - b[0]);
  const merged: number[] = [];
  for (const [lo, hi] of sorted) {
    const n = merged.length;
    if (n && lo <= merged[n - 1]! + 1) merged[n - 1] = Math.max(merged[n - 1]!, hi);
    else merged.push(lo, hi);
  }
  return { kind: 'chars', ranges: merged, negate };
}

/** One code point. */
export const ch = (c: string): CharSet => charSet([c.codePointAt(0)!, c.codePointAt(0)!]);

export function setHas(s: CharSet, cp: number): boolean {
  const r = s.ranges;
  let inside = false;
  for (let i = 0; i < r.length; i += 2) {
    if (cp < r[i]!) break;
    if (cp <= r[i + 1]!) {
      inside = true;
      break;
    }
  }
  return inside !== s.negate;
}

/** True when some code point in [lo, hi] is in the set. */
export function setMeets(s: CharSet, lo: number, hi: number): boolean {
  const r = s.ranges;
  if (!s.negate) {
    for (let i = 0; i < r.length; i += 2) if (r[i]! <= hi && r[i + 1]! >= lo) return true;
    return false;
  }
  let next = lo;
  for (let i = 0; i < r.length && next <= hi; i += 2) {
    if (r[i]! > next) return true;
    if (r[i + 1]! >= next) next = r[i + 1]! + 1;
  }
  return next <= hi;
}

export class GrammarBuilder {
  private readonly names: string[] = [];
  private readonly rules: (Alt[] | undefined)[] = [];
  private readonly ids = new Map<string, number>();

  /** The id of a rule by name, defined now or later. */
  ref(name: string): RuleRef {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
      this.rules.push(undefined);
    }
    return { kind: 'ref', rule: id };
  }

  has(name: string): boolean {
    return this.ids.has(name) && this.rules[this.ids.get(name)!] !== undefined;
  }

  rule(name: string, alts: readonly Alt[]): RuleRef {
    const r = this.ref(name);
    if (this.rules[r.rule]) throw new KilnError('E_INTERNAL', `grammar rule '${name}' defined twice`);
    this.rules[r.rule] = alts.map((a) => [...a]);
    return r;
  }

  /** A fresh rule name with the given stem. */
  fresh(stem: string): string {
    let i = 0;
    while (this.ids.has(`${stem}-${i}`)) i++;
    return `${stem}-${i}`;
  }

  /** A rule matching `e` zero or more times (at most `max`, when given). */
  star(e: Alt, max = Infinity): RuleRef {
    return this.repeat(e, 0, max);
  }

  /** A rule matching `e` between min and max times. */
  repeat(e: Alt, min: number, max: number): RuleRef {
    const name = this.fresh('rep');
    if (max === Infinity) {
      const tail = this.ref(`${name}-tail`);
      this.rule(`${name}-tail`, [[...e, tail], []]);
      return this.rule(name, [[...Array.from({ length: min }, () => e).flat(), tail]]);
    }
    // Optional copies nest: opt_k = e opt_{k-1} | ε, so no alternative list grows with max.
    let opt: RuleRef | undefined;
    for (let k = 0; k < max - min; k++) opt = this.rule(`${name}-opt${k}`, [[...e, ...(opt ? [opt] : [])], []]);
    return this.rule(name, [[...Array.from({ length: min }, () => e).flat(), ...(opt ? [opt] : [])]]);
  }

  build(start: string): Grammar {
    const missing = this.names.filter((_, i) => !this.rules[i]);
    if (missing.length) throw new KilnError('E_INTERNAL', `grammar rules used but not defined: ${missing.join(', ')}`);
    if (!this.ids.has(start)) throw new KilnError('E_INTERNAL', `grammar has no rule '${start}'`);
    return { names: this.names, rules: this.rules as Alt[][], start: this.ids.get(start)! };
  }
}

/** A literal string as a sequence of one-code-point sets. */
export const lit = (s: string): Elem[] => [...s].map(ch);
