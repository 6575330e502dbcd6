/**
 * JSON Schema → Grammar, for constrained decoding (`responseFormat: { type: 'json_schema', schema }`).
 * Covered: type (one or a list), object (properties in schema order, `required`; other properties only
 * when `additionalProperties` is true or a schema, and then after the listed ones), array (items,
 * prefixItems, minItems, maxItems), string (enum, const, minLength, maxLength; `format` is accepted and
 * not enforced), number, integer, boolean, null, enum, const, anyOf / oneOf, allOf of one schema, $ref
 * into #/$defs or #/definitions (recursion allowed), and `true` / {} for any JSON value. Anything else
 * (pattern, if/then, not, …) is refused with a KilnError naming the keyword, rather than ignored.
 *
 * Output is compact JSON with at most one space where whitespace may go, so a small model cannot wander
 * off into endless blanks. Numbers are bounded to 16 integer digits, 16 fraction digits and 3 exponent
 * digits for the same reason.
 */
import { KilnError } from '../../engine/errors.js';
import { ch, charSet, GrammarBuilder, lit, type Alt, type Elem, type Grammar, type RuleRef } from './grammar.js';

export type JsonSchema = boolean | { [key: string]: unknown };

const KNOWN = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'prefixItems', 'minItems', 'maxItems', 'enum', 'const',
  'anyOf', 'oneOf', 'allOf', '$ref', '$defs', 'definitions', 'minLength', 'maxLength', 'format', 'title', 'description',
  '$schema', '$id', 'default', 'examples', 'nullable', 'strict', 'name', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
]);

function bad(msg: string, path: string): never {
  throw new KilnError('E_INPUT_INVALID', `JSON schema at ${path || '#'}: ${msg}`, { schemaPath: path || '#' });
}

class SchemaCompiler {
  readonly b = new GrammarBuilder();
  private readonly refs = new Map<string, RuleRef>();

  constructor(private readonly root: JsonSchema) {
    this.primitives();
  }

  private primitives(): void {
    const b = this.b;
    const digit = charSet([0x30, 0x39]);
    b.rule('ws', [[], [ch(' ')]]);
    const hex = charSet([0x30, 0x39, 0x41, 0x46, 0x61, 0x66]);
    b.rule('char', [
      [charSet([0x22, 0x22, 0x5c, 0x5c, 0, 0x1f], true)],
      [ch('\\'), charSet([0x22, 0x22, 0x5c, 0x5c, 0x2f, 0x2f, 0x62, 0x62, 0x66, 0x66, 0x6e, 0x6e, 0x72, 0x72, 0x74, 0x74])],
      [ch('\\'), ch('u'), hex, hex, hex, hex],
    ]);
    b.rule('string', [[ch('"'), b.star([b.ref('char')]), ch('"')]]);
    b.rule('integer', [[b.star([ch('-')], 1), b.ref('int-digits')]]);
    b.rule('int-digits', [[ch('0')], [charSet([0x31, 0x39]), b.star([digit], 15)]]);
    b.rule('frac', [[], [ch('.'), b.repeat([digit], 1, 16)]]);
    b.rule('exp', [[], [charSet([0x45, 0x45, 0x65, 0x65]), b.star([charSet([0x2b, 0x2b, 0x2d, 0x2d])], 1), b.repeat([digit], 1, 3)]]);
    b.rule('number', [[b.ref('integer'), b.ref('frac'), b.ref('exp')]]);
    b.rule('boolean', [lit('true'), lit('false')]);
    b.rule('null', [lit('null')]);
    const value = b.ref('value');
    b.rule('value', [[b.ref('object')], [b.ref('array')], [b.ref('string')], [b.ref('number')], [b.ref('boolean')], [b.ref('null')]]);
    const member = [b.ref('string'), b.ref('ws'), ch(':'), b.ref('ws'), value];
    b.rule('object', [[ch('{'), b.ref('ws'), ch('}')], [ch('{'), b.ref('ws'), ...member, b.star([ch(','), b.ref('ws'), ...member]), b.ref('ws'), ch('}')]]);
    b.rule('array', [[ch('['), b.ref('ws'), ch(']')], [ch('['), b.ref('ws'), value, b.star([ch(','), b.ref('ws'), value]), b.ref('ws'), ch(']')]]);
  }

  /** A rule (or element list) for a schema. */
  compile(s: JsonSchema, path: string): Elem[] {
    const b = this.b;
    if (s === true) return [b.ref('value')];
    if (s === false || typeof s !== 'object' || s === null || Array.isArray(s)) bad('a schema must be an object or a boolean (false matches nothing)', path);
    for (const k of Object.keys(s)) if (!KNOWN.has(k)) bad(`keyword '${k}' is not supported for constrained decoding`, path);
    if (s.$ref !== undefined) return [this.ref(String(s.$ref), path)];
    if (s.const !== undefined) return lit(JSON.stringify(s.const));
    if (s.enum !== undefined) {
      if (!Array.isArray(s.enum) || s.enum.length === 0) bad('enum must be a non-empty array', path);
      return [this.alts(s.enum.map((v) => lit(JSON.stringify(v))), 'enum')];
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      const list = s[key];
      if (list !== undefined) {
        if (!Array.isArray(list) || list.length === 0) bad(`${key} must be a non-empty array`, path);
        return [this.alts(list.map((x, i) => this.compile(x as JsonSchema, `${path}/${key}/${i}`)), key)];
      }
    }
    if (s.allOf !== undefined) {
      if (!Array.isArray(s.allOf) || s.allOf.length !== 1) bad('allOf is supported with exactly one schema', path);
      return this.compile(s.allOf[0] as JsonSchema, `${path}/allOf/0`);
    }
    let types = s.type === undefined ? undefined : Array.isArray(s.type) ? s.type : [s.type];
    if (types && s.nullable === true && !types.includes('null')) types = [...types, 'null'];
    if (!types) {
      if (s.properties !== undefined) types = ['object'];
      else if (s.items !== undefined || s.prefixItems !== undefined) types = ['array'];
      else return [b.ref('value')];
    }
    const alts = types.map((t) => this.typed(String(t), s, path));
    return alts.length === 1 ? alts[0]! : [this.alts(alts, 'types')];
  }

  private alts(alts: Alt[], stem: string): RuleRef {
    return this.b.rule(this.b.fresh(stem), alts);
  }

  private typed(t: string, s: Record<string, unknown>, path: string): Elem[] {
    const b = this.b;
    switch (t) {
      case 'string': {
        const min = nonNeg(s.minLength, 0, 'minLength', path);
        const max = nonNeg(s.maxLength, Infinity, 'maxLength', path);
        if (min === 0 && max === Infinity) return [b.ref('string')];
        if (max < min || min > 10000) bad('minLength/maxLength out of range', path);
        return [ch('"'), b.repeat([b.ref('char')], min, max), ch('"')];
      }
      case 'number': return [b.ref('number')];
      case 'integer': return [b.ref('integer')];
      case 'boolean': return [b.ref('boolean')];
      case 'null': return [b.ref('null')];
      case 'object': return this.object(s, path);
      case 'array': return this.array(s, path);
      default: return bad(`unknown type '${t}'`, path);
    }
  }

  private object(s: Record<string, unknown>, path: string): Elem[] {
    const b = this.b;
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    if (typeof props !== 'object' || Array.isArray(props)) bad('properties must be an object', path);
    const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
    const names = Object.keys(props);
    for (const r of required) if (!(r in props)) bad(`required property '${r}' is not in properties`, path);
    const extra = s.additionalProperties;
    if (names.length === 0 && extra === undefined) return [b.ref('object')];
    const kv = (name: string) => [...lit(JSON.stringify(name)), b.ref('ws'), ch(':'), b.ref('ws'), ...this.compile(props[name]!, `${path}/properties/${name}`)];
    const sep = [ch(','), b.ref('ws')];
    // Extra members (any other key) after the listed ones, when allowed.
    let tailFirst: Alt = [];
    let tailRest: Alt = [];
    if (extra === true || (typeof extra === 'object' && extra !== null)) {
      const member = [b.ref('string'), b.ref('ws'), ch(':'), b.ref('ws'), ...this.compile(extra as JsonSchema, `${path}/additionalProperties`)];
      const more = b.star([...sep, ...member]);
      tailRest = [b.rule(b.fresh('extra'), [[...sep, ...member, more], []])];
      tailFirst = [b.rule(b.fresh('extra'), [[...member, more], []])];
    } else if (extra !== undefined && extra !== false) bad('additionalProperties must be a boolean or a schema', path);
    // first_i: no member written yet, from property i on; rest_i: some written.
    const stem = b.fresh('obj');
    let first: RuleRef = b.rule(`${stem}-first${names.length}`, [tailFirst]);
    let rest: RuleRef = b.rule(`${stem}-rest${names.length}`, [tailRest]);
    for (let i = names.length - 1; i >= 0; i--) {
      const opt = !required.has(names[i]!);
      const m = kv(names[i]!);
      const nextRest = rest;
      rest = b.rule(`${stem}-rest${i}`, [[...sep, ...m, nextRest], ...(opt ? [[nextRest]] : [])]);
      first = b.rule(`${stem}-first${i}`, [[...m, nextRest], ...(opt ? [[first]] : [])]);
    }
    return [ch('{'), b.ref('ws'), first, b.ref('ws'), ch('}')];
  }

  private array(s: Record<string, unknown>, path: string): Elem[] {
    const b = this.b;
    const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as JsonSchema[]) : [];
    const item = s.items === undefined ? true : (s.items as JsonSchema);
    const min = nonNeg(s.minItems, 0, 'minItems', path);
    const max = nonNeg(s.maxItems, Infinity, 'maxItems', path);
    if (max < min || min > 1000) bad('minItems/maxItems out of range', path);
    const sep = [ch(','), b.ref('ws')];
    const els: Alt[] = prefix.map((p, i) => this.compile(p, `${path}/prefixItems/${i}`));
    const itemEls = item === false ? undefined : this.compile(item, `${path}/items`);
    const parts: Elem[] = [];
    els.forEach((e, i) => parts.push(...(i ? sep : []), ...e));
    const need = Math.max(0, min - els.length);
    const room = max === Infinity ? Infinity : Math.max(0, max - els.length - need);
    if (itemEls) {
      for (let i = 0; i < need; i++) parts.push(...(parts.length ? sep : []), ...itemEls);
      if (room > 0) {
        if (parts.length) parts.push(b.repeat([...sep, ...itemEls], 0, room));
        else parts.push(b.rule(b.fresh('items'), [[...itemEls, b.repeat([...sep, ...itemEls], 0, room - 1)], []]));
      }
    } else if (need > 0) bad('minItems needs more items than prefixItems gives and items is false', path);
    return [ch('['), b.ref('ws'), ...parts, b.ref('ws'), ch(']')];
  }

  private ref(ref: string, path: string): RuleRef {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    if (!m) bad(`$ref '${ref}' is not supported (only #/$defs/… and #/definitions/…)`, path);
    let r = this.refs.get(ref);
    if (r) return r;
    const defs = typeof this.root === 'object' ? (this.root[m[1]!] as Record<string, JsonSchema> | undefined) : undefined;
    const target = defs?.[decodeURIComponent(m[2]!)];
    if (target === undefined) bad(`$ref '${ref}' points at nothing`, path);
    const name = this.b.fresh('def');
    r = this.b.ref(name);
    this.refs.set(ref, r);
    this.b.rule(name, [this.compile(target, ref)]);
    return r;
  }
}

function nonNeg(v: unknown, dflt: number, what: string, path: string): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) bad(`${what} must be a non-negative integer`, path);
  return v;
}

/** The grammar of JSON texts valid under `schema` (an optional leading space, then the value). */
export function jsonSchemaGrammar(schema: JsonSchema): Grammar {
  const c = new SchemaCompiler(schema);
  const body = c.compile(schema, '');
  c.b.rule('root', [[c.b.ref('ws'), ...body]]);
  return c.b.build('root');
}

/** Any JSON value (response_format: json_object). */
export const jsonGrammar = (): Grammar => jsonSchemaGrammar(true);
