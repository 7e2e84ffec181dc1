import { LRUCache } from 'lru-cache';
import type { Finding } from '../../schemas/types.js';

/**
 * Remembers which finding ids were emitted (and with what count), so a finding produced twice in a run
 * (a GuardDuty finding re-sent unchanged, a retried record) reaches the sinks once, while a dedup
 * update with a higher count still goes through.
 */
export class EmittedFindings {
  private readonly countById: LRUCache<string, number>;

  constructor(maxIds = 200_000) {
    // Bounded by maxSize rather than max: `max` preallocates its slots, and a worker builds one pipeline per
    // keyed shard it takes over.
    this.countById = new LRUCache({ maxSize: maxIds, sizeCalculation: () => 1 });
  }

  /** An id another engine emitted with `count` before this one took over: only a higher count is news. */
  seen(id: string, count: number): void {
    if ((this.countById.get(id) ?? Number.NEGATIVE_INFINITY) < count) this.countById.set(id, count);
  }

  /** `new` the first time an id is seen, `update` when it comes back with a higher count, else `repeat`. */
  classify(finding: Finding): 'new' | 'update' | 'repeat' {
    const previous = this.countById.get(finding.id);
    if (previous !== undefined && previous >= finding.count) return 'repeat';
    this.countById.set(finding.id, finding.count);
    return previous === undefined ? 'new' : 'update';
  }
}
