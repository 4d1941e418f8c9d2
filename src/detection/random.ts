/**
 * mulberry32: a tiny seeded PRNG whose whole state is one uint32, so it serializes into simulator state
 * and replays exactly.
 */
export function mulberry32Next(state: number): { value: number; state: number } {
  const a = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, state: a >>> 0 };
}

/** A stateful view for one step; read `.state` back when done. */
export class Rng {
  constructor(public state: number) {}
  next(): number {
    const r = mulberry32Next(this.state);
    this.state = r.state;
    return r.value;
  }
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(items.length)]!;
  }
  /** Log-normal factor with median 1: realistic skew for amounts and volumes. */
  logNormal(sigma: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
}
