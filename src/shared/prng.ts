/**
 * The one seeded PRNG (mulberry32) of the app: the dataset generator, the telemetry simulator and tests
 * draw from it. Its whole state is one uint32 (`state`), so a stream serializes into simulator state and
 * replays exactly; integer and float arithmetic only (no Math.random, no clock), so the same seed gives
 * the same numbers on every machine and Node version.
 */
export function mulberry32Next(state: number): { value: number; state: number } {
  const a = (state + 0x6d2b79f5) >>> 0;
  let t = Math.imul(a ^ (a >>> 15), a | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, state: a };
}

export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    const r = mulberry32Next(this.state);
    this.state = r.state;
    return r.value;
  }
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** Uniform float in [min, max). */
  float(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Log-normal factor with median 1: realistic skew for amounts and volumes. */
  logNormal(sigma: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
}

export function mulberry32(seed: number): Rng {
  return new Rng(seed);
}

/** An independent stream per purpose, so adding draws to one stream never shifts another. */
export function substream(seed: number, label: string): Rng {
  let h = seed >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return mulberry32(h);
}
