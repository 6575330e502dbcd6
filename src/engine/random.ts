/**
 * Kiln's one seeded random generator: xoshiro128** with its state seeded through splitmix32. A given seed
 * gives the same stream on every backend and platform (random ops with a `seed` attribute, Dropout in
 * training mode, LLM sampling). The streams differ from numpy's, so conformance tests that hold numpy's
 * draws can only be checked for shape and range.
 */
export class Rng {
  private readonly s = new Uint32Array(4);

  /** `seed` is taken as a uint32. */
  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
  }

  /**
   * A generator for an op's float `seed` attribute (any float: its bits are hashed), or an unseeded one
   * (fresh values each time) when `seed` is undefined.
   */
  static forAttribute(seed: number | undefined): Rng {
    if (seed === undefined) return new Rng(randomSeed());
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, seed);
    return new Rng((v.getUint32(0) ^ Math.imul(v.getUint32(4), 0x9e3779b9)) >>> 0);
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A uniform number in [0, 1) with 53 random bits (for double-precision draws). */
  next53(): number {
    return ((this.nextU32() >>> 5) * 2 ** 26 + (this.nextU32() >>> 6)) / 2 ** 53;
  }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** A seed when none is given. */
export const randomSeed = (): number => (Math.random() * 4294967296) >>> 0;
