/**
 * A recognizer for a Grammar, one code point at a time, like llama.cpp's grammar engine: the state is
 * the set of parse stacks alive after the text so far. The grammar is flattened into a program: every
 * alternative is a run of positions (a char set or a rule reference) ended by END. A stack is an
 * immutable linked list of positions (the top is the next element to match; below it, where to go on
 * when a rule ends), interned so equal stacks are one object and a state is a small set.
 *
 * States are immutable: `advance` returns a new state (or undefined when the code point is refused), so
 * trying a token never disturbs the current state.
 */
import { KilnError } from '../../engine/errors.js';
import { setHas, setMeets, type CharSet, type Grammar } from './grammar.js';

interface Frame {
  readonly pc: number;
  readonly parent: Frame | null;
  readonly id: number;
}

/** A matcher state: stacks whose top is a char set; `accepting` when the text may end here. */
export interface MatchState {
  readonly frames: readonly Frame[];
  readonly accepting: boolean;
}

const END = -1;

export class GrammarMatcher {
  /** Per pc: a char set, a rule id (as { rule }), or END. */
  private readonly code: (CharSet | { rule: number } | typeof END)[] = [];
  /** Per rule: the pcs its alternatives start at. */
  private readonly starts: number[][] = [];
  private readonly interned = new Map<number, Frame>();
  private nextId = 1;
  readonly initial: MatchState;
  /** Limits how many stacks a state may hold (guards against grammars that blow up). */
  private readonly maxStacks = 4096;

  constructor(readonly grammar: Grammar) {
    for (const alts of grammar.rules) {
      const starts: number[] = [];
      for (const alt of alts) {
        starts.push(this.code.length);
        for (const e of alt) this.code.push(e.kind === 'chars' ? e : { rule: e.rule });
        this.code.push(END);
      }
      this.starts.push(starts);
    }
    const out = new Set<Frame>();
    const acc = { accepting: false };
    for (const pc of this.starts[grammar.start]!) this.expand(this.frame(pc, null), out, acc, 0);
    this.initial = { frames: [...out], accepting: acc.accepting };
  }

  private frame(pc: number, parent: Frame | null): Frame {
    const key = pc + this.code.length * (parent ? parent.id : 0);
    let f = this.interned.get(key);
    if (!f) {
      f = { pc, parent, id: this.nextId++ };
      this.interned.set(key, f);
      if (this.interned.size > 1 << 20) this.interned.clear(); // old frames stay valid; only sharing is lost
    }
    return f;
  }

  /** Adds the char-set-topped stacks reachable from `f` without consuming input. */
  private expand(f: Frame | null, out: Set<Frame>, acc: { accepting: boolean }, depth: number): void {
    if (depth > 10000) throw new KilnError('E_INPUT_INVALID', 'grammar recursion too deep (a left-recursive or unbounded rule?)');
    if (f === null) {
      acc.accepting = true;
      return;
    }
    const op = this.code[f.pc]!;
    if (op === END) return this.expand(f.parent, out, acc, depth + 1);
    if ('rule' in op) {
      const cont = this.frame(f.pc + 1, f.parent);
      for (const pc of this.starts[op.rule]!) this.expand(this.frame(pc, cont), out, acc, depth + 1);
      return;
    }
    out.add(f);
    if (out.size > this.maxStacks) throw new KilnError('E_INPUT_INVALID', `grammar is too ambiguous: more than ${this.maxStacks} parse stacks`);
  }

  /** The state after one more code point, or undefined when the grammar refuses it. */
  advance(s: MatchState, cp: number): MatchState | undefined {
    const out = new Set<Frame>();
    const acc = { accepting: false };
    for (const f of s.frames) {
      if (setHas(this.code[f.pc] as CharSet, cp)) this.expand(this.frame(f.pc + 1, f.parent), out, acc, 0);
    }
    if (out.size === 0 && !acc.accepting) return undefined;
    return { frames: [...out], accepting: acc.accepting };
  }

  /** Runs a whole string; undefined when refused anywhere. */
  advanceText(s: MatchState | undefined, text: string): MatchState | undefined {
    for (const c of text) {
      if (!s) return undefined;
      s = this.advance(s, c.codePointAt(0)!);
    }
    return s;
  }

  /** True when some stack could take a code point in [lo, hi] next (partial UTF-8 checks). */
  canTakeRange(s: MatchState, lo: number, hi: number): boolean {
    return s.frames.some((f) => setMeets(this.code[f.pc] as CharSet, lo, hi));
  }

  /** True when the text so far is a whole sentence of the grammar. */
  accepts(s: MatchState): boolean {
    return s.accepting;
  }
}
