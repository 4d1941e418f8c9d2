/**
 * What the engine keeps in memory of instance records, histories and entity states. With a persistent
 * store it is a cache: entries load from the store on first use and the least recently used ones are
 * dropped past a budget (an estimate of their bytes), so memory follows the work in flight, not the
 * store's size. With the in-memory store the cache is the state itself and never drops anything.
 */
export interface StateCacheOptions<V> {
  /** Reads an entry back from the store; absent for the in-memory mode. */
  load?: (id: string) => V | undefined;
  /** Approximate bytes an entry holds. */
  weigh: (value: V) => number;
  /** Bytes kept before the least recently used entries go (ignored without `load`). */
  budget: number;
}

export class StateCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly weights = new Map<string, number>();
  private total = 0;

  constructor(private readonly opts: StateCacheOptions<V>) {}

  /** True when entries can be dropped and read back (a persistent store behind it). */
  get bounded(): boolean {
    return this.opts.load !== undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held, by the entries' own estimate. */
  get weight(): number {
    return this.total;
  }

  get(id: string): V | undefined {
    const hit = this.entries.get(id);
    if (hit !== undefined) {
      if (this.bounded) {
        // Most recently used last: Map iteration order is insertion order.
        this.entries.delete(id);
        this.entries.set(id, hit);
      }
      return hit;
    }
    const loaded = this.opts.load?.(id);
    if (loaded !== undefined) this.set(id, loaded);
    return loaded;
  }

  /** The entry if it is in memory, without reading the store or changing its recency. */
  peek(id: string): V | undefined {
    return this.entries.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  set(id: string, value: V): void {
    this.forget(id);
    const w = this.opts.weigh(value);
    this.entries.set(id, value);
    this.weights.set(id, w);
    this.total += w;
    if (this.bounded && this.total > this.opts.budget) this.evict(id);
  }

  /** Drops an entry from memory (the store keeps it). */
  delete(id: string): boolean {
    return this.forget(id);
  }

  /** Only what is in memory (the whole state in the in-memory mode). */
  values(): IterableIterator<V> {
    return this.entries.values();
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  private forget(id: string): boolean {
    const w = this.weights.get(id);
    if (w === undefined) return false;
    this.total -= w;
    this.weights.delete(id);
    this.entries.delete(id);
    return true;
  }

  /** Least recently used first, never the entry just written. */
  private evict(keep: string): void {
    for (const id of this.entries.keys()) {
      if (this.total <= this.opts.budget) return;
      if (id !== keep) this.forget(id);
    }
  }
}
