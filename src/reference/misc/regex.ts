/**
 * A small RE2 → JavaScript RegExp translation for RegexFullMatch. RE2's syntax is close to JavaScript's
 * (`u` mode); the translation maps what differs: `(?P<name>…)`, `\A`, `\z`, `\Q…\E`, `\pL`, POSIX
 * classes `[[:alpha:]]`, RE2's ASCII `\s` and its `.` (any character but newline), escaped punctuation,
 * and leading inline flags `(?i)`, `(?s)`, `(?m)`. Constructs RE2 rejects (backreferences, lookaround)
 * and the few it has that JavaScript lacks (`\C`, `(?U)`, flag groups inside the pattern) are errors.
 */
import { KilnError } from '../../engine/errors.js';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};
const SYNTAX = new Set('^$\\.*+?()[]{}|/');
const RE2_SPACE = '\\t\\n\\f\\r ';

const bad = (pattern: string, why: string): never => {
  throw new KilnError('E_MODEL_INVALID', `pattern /${pattern}/ ${why}`);
};

/** Escapes one literal character for use in a `u`-mode JavaScript pattern. */
const literal = (c: string, inClass: boolean): string => (SYNTAX.has(c) || (inClass && c === '-') ? `\\${c}` : c);

export function compileRe2FullMatch(pattern: string): RegExp {
  let flags = 'u';
  let i = 0;
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'i' || f === 's' || f === 'm') flags += f;
      else bad(pattern, `uses the inline flag '${f}', which is not supported`);
    }
    i = lead[0].length;
  }
  const dotAll = flags.includes('s');
  let out = '';
  let inClass = false;
  for (; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) bad(pattern, 'ends with a lone backslash');
      i++;
      if (e === 'Q') {
        const end = pattern.indexOf('\\E', i + 1);
        const text = pattern.slice(i + 1, end < 0 ? undefined : end);
        for (const ch of text) out += literal(ch, inClass);
        i = end < 0 ? pattern.length : end + 1;
      } else if (e === 'A' && !inClass) out += '(?<![\\s\\S])';
      else if (e === 'z' && !inClass) out += '(?![\\s\\S])';
      else if (e === 's') out += inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
      else if (e === 'S') out += inClass ? bad(pattern, 'uses \\S inside a class, which is not supported') : `[^${RE2_SPACE}]`;
      else if (e === 'p' || e === 'P') {
        if (pattern[i + 1] === '{') {
          const end = pattern.indexOf('}', i);
          if (end < 0) bad(pattern, 'has an unterminated \\p{…}');
          out += `\\${e}${pattern.slice(i + 1, end + 1)}`;
          i = end;
        } else {
          const name = pattern[i + 1] ?? bad(pattern, 'ends inside \\p');
          out += `\\${e}{${name}}`;
          i++;
        }
      } else if (e === 'x' && pattern[i + 1] === '{') {
        const end = pattern.indexOf('}', i);
        if (end < 0) bad(pattern, 'has an unterminated \\x{…}');
        out += `\\u{${pattern.slice(i + 2, end)}}`;
        i = end;
      } else if (/[1-9]/.test(e!)) bad(pattern, 'uses a backreference, which RE2 does not support');
      else if (e === 'C' || e === 'a' || e === 'z' || e === 'A') bad(pattern, `uses \\${e}, which is not supported here`);
      else if (/[0-9A-Za-z]/.test(e!)) out += `\\${e}`; // \d \w \b \n \t \x41 … mean the same in both
      else out += literal(e!, inClass);
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        const neg = pattern[i + 2] === '^';
        const name = end < 0 ? '' : pattern.slice(i + (neg ? 3 : 2), end);
        const set = POSIX[name];
        if (!set || neg) bad(pattern, `uses the class [:${neg ? '^' : ''}${name}:], which is not supported`);
        out += set;
        i = end + 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += '[';
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') { out += '\\]'; i++; } // a leading ']' is a literal in RE2
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      if (pattern.startsWith('(?P<', i)) { out += '(?<'; i += 3; continue; }
      if (pattern.startsWith('(?:', i)) { out += '(?:'; i += 2; continue; }
      if (/^\(\?<[A-Za-z_]/.test(pattern.slice(i, i + 4))) { out += '(?<'; i += 2; continue; } // newer RE2 spelling
      bad(pattern, `uses '${pattern.slice(i, i + 4)}…', which RE2 does not support here`);
    }
    if (c === '.' && !dotAll) { out += '[^\\n]'; continue; }
    if (c === '{' || c === '}') {
      // RE2 reads a brace that does not start a repetition {n}, {n,} or {n,m} as a literal.
      const rep = c === '{' ? /^\{\d+(,\d*)?\}/.exec(pattern.slice(i)) : null;
      if (rep) { out += rep[0]; i += rep[0].length - 1; } else out += `\\${c}`;
      continue;
    }
    out += c;
  }
  if (inClass) bad(pattern, 'has an unterminated character class');
  try {
    return new RegExp(`^(?:${out})$`, flags);
  } catch (e) {
    return bad(pattern, `is not a valid regular expression (${(e as Error).message})`);
  }
}
