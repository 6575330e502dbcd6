/**
 * Typed access to GGUF metadata. A missing required key or a value of the wrong type is a
 * KilnError('E_MODEL_INVALID') naming the key: the file parsed, but it does not say what a model needs.
 */
import { KilnError } from '../../engine/errors.js';
import { isGgufArray, valueToJson, type GgufArray, type GgufEntry, type GgufValue, type GgufValueType } from './values.js';

const INTEGER_TYPES = new Set<GgufValueType>(['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'uint64', 'int64']);

export class GgufMetadata {
  constructor(readonly entries: ReadonlyMap<string, GgufEntry>) {}

  get size(): number {
    return this.entries.size;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): GgufValue | undefined {
    return this.entries.get(key)?.value;
  }

  typeOf(key: string): GgufValueType | undefined {
    return this.entries.get(key)?.type;
  }

  private bad(key: string, want: string): never {
    const e = this.entries.get(key);
    const got = e ? (e.type === 'array' ? `array of ${(e.value as GgufArray).itemType}` : e.type) : 'nothing';
    throw new KilnError('E_MODEL_INVALID', `GGUF metadata '${key}' must be ${want}, got ${got}`, { key, offset: e?.offset });
  }

  optString(key: string): string | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.type !== 'string') this.bad(key, 'a string');
    return e.value as string;
  }

  string(key: string): string {
    return this.optString(key) ?? this.bad(key, 'a string');
  }

  /** Any numeric scalar as a number; 64-bit integers must be exact in a double. */
  optNumber(key: string): number | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (typeof e.value === 'number' && e.type !== 'bool') return e.value;
    if (typeof e.value === 'bigint') {
      const n = Number(e.value);
      if (!Number.isSafeInteger(n)) this.bad(key, 'an integer below 2^53');
      return n;
    }
    return this.bad(key, 'a number');
  }

  number(key: string): number {
    return this.optNumber(key) ?? this.bad(key, 'a number');
  }

  /** An integer-typed scalar (any width, signed or unsigned). */
  optInteger(key: string): number | undefined {
    const e = this.entries.get(key);
    if (e && !INTEGER_TYPES.has(e.type)) this.bad(key, 'an integer');
    return this.optNumber(key);
  }

  optBool(key: string): boolean | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.type !== 'bool') this.bad(key, 'a bool');
    return e.value as boolean;
  }

  optArray(key: string, itemType?: GgufValueType | readonly GgufValueType[]): GgufArray | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (!isGgufArray(e.value)) this.bad(key, itemType ? `an array of ${itemType}` : 'an array');
    if (itemType !== undefined) {
      const ok = typeof itemType === 'string' ? e.value.itemType === itemType : itemType.includes(e.value.itemType);
      if (!ok) this.bad(key, `an array of ${typeof itemType === 'string' ? itemType : itemType.join(' or ')}`);
    }
    return e.value;
  }

  array(key: string, itemType?: GgufValueType | readonly GgufValueType[]): GgufArray {
    return this.optArray(key, itemType) ?? this.bad(key, itemType ? `an array of ${itemType}` : 'an array');
  }

  optStrings(key: string): string[] | undefined {
    return this.optArray(key, 'string')?.items as string[] | undefined;
  }

  /** Everything as plain JSON-able data. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, e] of this.entries) out[k] = valueToJson(e.value);
    return out;
  }
}
