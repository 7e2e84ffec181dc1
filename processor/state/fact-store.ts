import { LRUCache } from 'lru-cache';
import type { StateOptions } from './options.js';
import { FACT_KINDS, type FactKind, type StoredFact, type StoredFacts } from './stored-facts.js';

/** LRU bookkeeping per entry (index arrays, map slot, object headers), added to the JSON estimate. */
const ENTRY_OVERHEAD_BYTES = 160;

/** A live entry with its absolute expiry in event time. */
export interface LiveEntry {
  kind: FactKind;
  id: string;
  fact: StoredFact;
  expiresAt: number;
}

/**
 * Typed facts in one bounded LRU keyed `kind:id`, aged in event time: `now` is the later of the
 * configured clock and the latest event applied, so an entry learned from the very first event
 * (before the pipeline clock moved) does not start its TTL at 0.
 *
 *   const store = new FactStore({ ...DEFAULT_STATE_OPTIONS, now: () => clock.latest });
 *   store.set('sg', 'sg-1', fact); store.get('sg', 'sg-1');
 */
export class FactStore {
  private readonly lru: LRUCache<string, StoredFact>;
  private latest = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: StateOptions) {
    this.lru = new LRUCache<string, StoredFact>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (fact, key) => (key.length + JSON.stringify(fact).length) * 2 + ENTRY_OVERHEAD_BYTES,
      ttl: options.ttlMs,
      ttlAutopurge: false,
      ttlResolution: 0,
      updateAgeOnGet: false,
      perf: { now: () => this.now() },
    });
  }

  get size(): number {
    return this.lru.size;
  }

  get calculatedBytes(): number {
    return this.lru.calculatedSize;
  }

  /** Event time now. */
  now(): number {
    return Math.max(this.options.now(), this.latest);
  }

  /** Moves event time forward to at least `time`. */
  observe(time: number): void {
    if (Number.isFinite(time) && time > this.latest) this.latest = time;
  }

  get<K extends FactKind>(kind: K, id: string): StoredFacts[K] | undefined {
    // The key's prefix is the kind the value was stored under, so the cast is sound.
    return this.lru.get(`${kind}:${id}`) as StoredFacts[K] | undefined;
  }

  has(kind: FactKind, id: string): boolean {
    return this.lru.has(`${kind}:${id}`);
  }

  /** Stores (or replaces) a fact; its TTL restarts now unless `expiresAt` is given. */
  set<K extends FactKind>(kind: K, id: string, fact: StoredFacts[K], expiresAt?: number): void {
    if (expiresAt === undefined) this.lru.set(`${kind}:${id}`, fact);
    else this.lru.set(`${kind}:${id}`, fact, { start: expiresAt - this.options.ttlMs });
  }

  delete(kind: FactKind, id: string): void {
    this.lru.delete(`${kind}:${id}`);
  }

  /** Live entries, least recently used first (so setting them in this order keeps the LRU order). */
  *live(): Generator<LiveEntry> {
    const now = this.now();
    for (const key of this.lru.rkeys()) {
      const fact = this.lru.peek(key);
      const remaining = this.lru.getRemainingTTL(key);
      if (fact === undefined || remaining <= 0) continue;
      const separator = key.indexOf(':');
      const kind = key.slice(0, separator) as FactKind;
      if (!FACT_KINDS.includes(kind)) continue;
      const expiresAt = Number.isFinite(remaining) ? now + remaining : Number.MAX_SAFE_INTEGER;
      yield { kind, id: key.slice(separator + 1), fact, expiresAt };
    }
  }
}
