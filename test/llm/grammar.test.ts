/** JSON-schema grammars, the code-point matcher, and token masks on a real vocabulary. */
import { describe, expect, it } from 'vitest';
import { ch, GrammarBuilder, GrammarConstraint, GrammarMatcher, jsonSchemaGrammar, LLM, lit, vocabIndex, type JsonSchema } from '../../src/llm/index.js';
import { drain, referenceLlmBackend, STORIES } from './llm-helpers.js';

const accepts = (schema: JsonSchema, text: string): boolean => {
  const m = new GrammarMatcher(jsonSchemaGrammar(schema));
  const s = m.advanceText(m.initial, text);
  return !!s && m.accepts(s);
};

describe('JSON schema → grammar', () => {
  it('objects: schema order, required and optional properties, no others unless allowed', () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' }, ok: { type: 'boolean' } }, required: ['name'] };
    expect(accepts(schema, '{"name":"Ann","age":7,"ok":true}')).toBe(true);
    expect(accepts(schema, '{ "name": "Ann", "ok": false }')).toBe(true);
    expect(accepts(schema, '{"name":"Ann"}')).toBe(true);
    expect(accepts(schema, '{"age":7}')).toBe(false);
    expect(accepts(schema, '{"age":7,"name":"Ann"}')).toBe(false);
    expect(accepts(schema, '{"name":"Ann","x":1}')).toBe(false);
    expect(accepts(schema, '{"name":"Ann","age":7.5}')).toBe(false);
    expect(accepts({ ...schema, additionalProperties: true }, '{"name":"Ann","x":[1,{"y":null}]}')).toBe(true);
    expect(accepts({ type: 'object', properties: { a: { type: 'integer' } } }, '{}')).toBe(true);
    expect(accepts({ type: 'object' }, '{"any":{"thing":[true]}}')).toBe(true);
  });

  it('strings, numbers, enums, const, arrays, unions, refs', () => {
    expect(accepts({ type: 'string' }, '"a\\n\\u00e9 é 😀"')).toBe(true);
    expect(accepts({ type: 'string' }, '"a\nb"')).toBe(false);
    expect(accepts({ type: 'string', minLength: 2, maxLength: 3 }, '"ab"')).toBe(true);
    expect(accepts({ type: 'string', maxLength: 3 }, '"abcd"')).toBe(false);
    expect(accepts({ type: 'number' }, '-12.5e+3')).toBe(true);
    expect(accepts({ type: 'number' }, '012')).toBe(false);
    expect(accepts({ enum: ['red', 'green', 3] }, '"green"')).toBe(true);
    expect(accepts({ enum: ['red', 'green', 3] }, '"blue"')).toBe(false);
    expect(accepts({ const: { a: [1] } }, '{"a":[1]}')).toBe(true);
    const arr = { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 3 };
    expect(accepts(arr, '[1, 2, 3]')).toBe(true);
    expect(accepts(arr, '[]')).toBe(false);
    expect(accepts(arr, '[1,2,3,4]')).toBe(false);
    expect(accepts({ type: ['string', 'null'] }, 'null')).toBe(true);
    expect(accepts({ anyOf: [{ type: 'integer' }, { type: 'boolean' }] }, 'true')).toBe(true);
    const tree = { $defs: { node: { type: 'object', properties: { v: { type: 'integer' }, kids: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['v'] } }, $ref: '#/$defs/node' };
    expect(accepts(tree, '{"v":1,"kids":[{"v":2,"kids":[]},{"v":3}]}')).toBe(true);
    expect(accepts(tree, '{"v":1,"kids":[{"kids":[]}]}')).toBe(false);
    expect(accepts({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false }, '["a",1]')).toBe(true);
  });

  it('refuses what it cannot enforce, naming the keyword', () => {
    expect(() => jsonSchemaGrammar({ type: 'string', pattern: '^a' })).toThrow(/keyword 'pattern' is not supported/);
    expect(() => jsonSchemaGrammar({ $ref: '#/$defs/none' })).toThrow(/points at nothing/);
    expect(() => jsonSchemaGrammar({ type: 'object', properties: {}, required: ['x'] })).toThrow(/required property 'x'/);
  });

  it('a hand-built grammar with bounded repetition', () => {
    const b = new GrammarBuilder();
    b.rule('root', [[...lit('a'), b.repeat([ch('b')], 1, 2), ...lit('c')]]);
    const m = new GrammarMatcher(b.build('root'));
    for (const [t, ok] of [['abc', true], ['abbc', true], ['ac', false], ['abbbc', false]] as const) {
      const s = m.advanceText(m.initial, t);
      expect(!!s && m.accepts(s)).toBe(ok);
    }
  });
});

describe('token masks', () => {
  it('the sorted-vocabulary walk allows exactly the tokens checked one by one; overlong UTF-8 is refused', async () => {
    const llm = await LLM.load(STORIES, { backends: [referenceLlmBackend()], contextSize: 64 });
    const idx = vocabIndex(llm.tokenizer);
    const c = new GrammarConstraint(jsonSchemaGrammar({ type: 'object', properties: { 'caf\u00e9 ☕': { type: 'string' } } }), idx);
    const steps = ['{', '"', 'c', 'a', 'f', '\u00e9', ' ', '☕', '"'];
    for (const piece of steps) {
      const mask = c.allowedMask(llm.tokenizer.size);
      for (let id = 0; id < llm.tokenizer.size; id++) expect(mask[id] === 1).toBe(c.allows(id));
      const bytes = new TextEncoder().encode(piece);
      for (const b of bytes) c.accept(llm.tokenizer.tokenId(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)!);
    }
    // F0 80 81 BB would decode to '{' if overlong forms were let through.
    const fresh = new GrammarConstraint(jsonSchemaGrammar({ type: 'object' }), idx);
    expect(fresh.allows(llm.tokenizer.tokenId('<0xF0>')!)).toBe(false);
    expect(fresh.allows(llm.tokenizer.tokenId('<0xC1>')!)).toBe(false);
    expect(fresh.allows(llm.tokenizer.tokenId('<0x7B>')!)).toBe(true);
    expect(fresh.allows(llm.tokenizer.eos!)).toBe(false);
    await llm.unload();
  });
});

describe('constrained generation on stories260K', () => {
  const schema = { type: 'object', properties: { name: { type: 'string', maxLength: 12 }, age: { type: 'integer' }, happy: { type: 'boolean' } }, required: ['name', 'age', 'happy'] };

  it('greedy and sampled outputs parse as JSON valid under the schema', async () => {
    const llm = await LLM.load(STORIES, { backends: [referenceLlmBackend()], contextSize: 256 });
    for (const o of [{ temperature: 0 }, { temperature: 1, seed: 1 }, { temperature: 1.5, seed: 2, topK: 0, topP: 1, minP: 0 }]) {
      const { result } = await drain(llm.generate('Once upon a time', { ...o, maxTokens: 80, responseFormat: { type: 'json_schema', schema } }));
      const v = JSON.parse(result.text) as { name: string; age: number; happy: boolean };
      expect(Object.keys(v)).toEqual(['name', 'age', 'happy']);
      expect(typeof v.name).toBe('string');
      expect(v.name.length).toBeLessThanOrEqual(12);
      expect(Number.isInteger(v.age)).toBe(true);
      expect(typeof v.happy).toBe('boolean');
      expect(['grammar', 'eos']).toContain(result.finishReason);
    }
    const any = await llm.complete('Once upon a time', { temperature: 0, maxTokens: 40, responseFormat: { type: 'json_object' } });
    expect(any.text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(any.text)).not.toThrow();
    await llm.unload();
  });
});
