/**
 * Deterministic pseudo-random numbers for seeded sandbox data. The same seed and labels give
 * the same sequence on every run and machine; labels let one seed fan out into independent
 * streams (`rngFor(seed, 'metrics', adId, date)`) so data can be generated lazily, in any
 * order, without walking a single global sequence.
 */

/** 32-bit string hash (FNV-1a, then an avalanche finaliser so close inputs spread apart). */
export function hash32(input: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Uniform float in [min, max). */
  float(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A string of decimal digits, first digit non-zero (numeric ids). */
  digits(length: number): string;
  /** Lower-case alphanumeric string. */
  alnum(length: number): string;
}

/** sfc32: small, fast and well distributed; four 32-bit words of state. */
export function createRng(seed: number | string): Rng {
  const base = typeof seed === 'number' ? `n:${seed}` : `s:${seed}`;
  let a = hash32(`${base}#a`);
  let b = hash32(`${base}#b`);
  let c = hash32(`${base}#c`);
  let d = hash32(`${base}#d`) | 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Discard the first outputs: the state is weakly mixed right after seeding.
  for (let i = 0; i < 12; i++) next();

  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return {
    next,
    int,
    float: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    digits(length) {
      let out = String(int(1, 9));
      while (out.length < length) out += String(int(0, 9));
      return out;
    },
    alnum(length) {
      let out = '';
      while (out.length < length) out += ALNUM[int(0, ALNUM.length - 1)];
      return out;
    },
  };
}

/** An independent stream for one purpose under one seed. */
export function rngFor(seed: number | string, ...labels: readonly (string | number)[]): Rng {
  return createRng(`${String(seed)}|${labels.join('|')}`);
}
