import type { ConsumerLog } from './consumer-log.js';
import { type CheckpointExtras, type Lease, type LeaseTable, SHARD_END } from './lease-table.js';

export interface LeaseCoordinatorOptions {
  table: LeaseTable;
  workerId: string;
  /** Lease duration: a lease whose counter has not moved for longer than this is expired (KCL failoverTimeMillis). */
  failoverMs?: number;
  renewIntervalMs?: number;
  takeIntervalMs?: number;
  maxLeasesToStealAtOnce?: number;
  /** Monotonic milliseconds of this process; expiry never compares clocks of different hosts. */
  now?: () => number;
  onAcquired?: (lease: Lease) => void;
  onLost?: (leaseKey: string) => void;
  /** Whether a lease may be worked on now, e.g. its parents reached SHARD_END; others are neither taken nor counted. */
  eligible?: (lease: Lease, all: Lease[]) => boolean;
  /** A timer-driven renew or take cycle failed (the next cycle retries); unset = ignored. */
  onError?: (error: unknown) => void;
  /** One line per lease change: acquired, lost, released. */
  log?: ConsumerLog;
}

export const DEFAULT_FAILOVER_MS = 10_000;

/** When this worker last saw a lease's counter move: the whole expiry protocol, kept per observer. */
interface Observed {
  counter: number;
  since: number;
}

/**
 * Takes, renews, steals and releases shard leases like the Java KCL 2.x lease coordinator (DynamoDBLeaseTaker +
 * DynamoDBLeaseRenewer): a lease is expired when its counter has not moved for more than failoverMs on this
 * worker's monotonic clock; each take cycle aims at a fair share, ceil(leases / live workers), taking expired or
 * unowned leases first (longest unchanged first) and otherwise stealing from the most-loaded worker.
 * Writes for one lease are serialized so a renew never races a checkpoint with the same counter.
 *
 *   const leases = new LeaseCoordinator({ table, workerId: 'task-1', onAcquired: (l) => startReader(l) });
 *   leases.start(); await leases.checkpoint('shardId-000000000000', sequenceNumber, 0);
 */
export class LeaseCoordinator {
  private readonly table: LeaseTable;
  private readonly workerId: string;
  private readonly failoverMs: number;
  private readonly renewIntervalMs: number;
  private readonly takeIntervalMs: number;
  private readonly maxLeasesToStealAtOnce: number;
  private readonly now: () => number;
  private readonly eligible: (lease: Lease, all: Lease[]) => boolean;
  private readonly options: LeaseCoordinatorOptions;

  /** Leases this worker holds, with the latest counter it wrote. */
  private readonly owned = new Map<string, Lease>();
  /** When each held lease was last written successfully (renew, take, checkpoint), for dropping it after failover. */
  private readonly renewedAt = new Map<string, number>();
  private readonly observed = new Map<string, Observed>();
  private readonly writes = new Map<string, Promise<void>>();
  private timers: NodeJS.Timeout[] = [];
  private taking: Promise<void> | undefined;
  private renewing: Promise<void> | undefined;

  constructor(o: LeaseCoordinatorOptions) {
    this.options = o;
    this.table = o.table;
    this.workerId = o.workerId;
    this.failoverMs = o.failoverMs ?? DEFAULT_FAILOVER_MS;
    this.renewIntervalMs = o.renewIntervalMs ?? this.failoverMs / 3;
    this.takeIntervalMs = o.takeIntervalMs ?? this.failoverMs;
    this.maxLeasesToStealAtOnce = o.maxLeasesToStealAtOnce ?? 1;
    this.now = o.now ?? (() => performance.now());
    this.eligible = o.eligible ?? (() => true);
  }

  /** Starts renewing and taking on wall-clock timers; the first take cycle runs at once. */
  start(): void {
    if (this.timers.length > 0) return;
    const report = (error: unknown) => this.options.onError?.(error);
    const take = () => {
      this.taking ??= this.takeOnce()
        .catch(report)
        .finally(() => {
          this.taking = undefined;
        });
    };
    const renew = () => {
      this.renewing ??= this.renewOnce()
        .catch(report)
        .finally(() => {
          this.renewing = undefined;
        });
    };
    this.timers = [setInterval(renew, this.renewIntervalMs), setInterval(take, this.takeIntervalMs)];
    take();
  }

  /**
   * Stops the timers and forgets every lease. With `release`, own leases are evicted first (owner removed,
   * counter bumped) so other workers take them at once instead of after failoverMs; onLost is not called.
   */
  async stop(options: { release: boolean } = { release: false }): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.all([this.taking, this.renewing]);
    if (options.release) {
      await Promise.all(
        [...this.owned.keys()].map((key) => this.serialized(key, () => this.release(key, 'shutdown'))),
      );
    }
    this.owned.clear();
    this.renewedAt.clear();
  }

  /** One scan of the table, then takes (or steals) up to this worker's fair share. */
  async takeOnce(): Promise<void> {
    const all = await this.table.list();
    const now = this.now();
    this.observe(all, now);
    this.forgetLeasesTakenByOthers(all);
    for (const lease of this.chooseLeasesToTake(all, now)) {
      const taken = await this.serialized(lease.leaseKey, () => this.table.take(lease, this.workerId));
      if (!taken) continue; // another worker moved it first
      this.options.log?.info(
        { event: 'lease_acquired', shard: taken.leaseKey, previousOwner: lease.leaseOwner },
        'lease acquired',
      );
      this.owned.set(taken.leaseKey, taken);
      this.renewedAt.set(taken.leaseKey, now);
      this.options.onAcquired?.(taken);
    }
  }

  /**
   * Renews every held lease; a lease another worker took is lost, one unrenewable for failoverMs is dropped.
   * A lease at SHARD_END is evicted instead: a finished shard is nobody's work and needs no heartbeat.
   */
  async renewOnce(): Promise<void> {
    await Promise.all(
      [...this.owned.keys()].map((key) =>
        this.serialized(key, async () => {
          try {
            const lease = this.owned.get(key);
            if (lease?.checkpoint === SHARD_END) await this.release(key, 'shard_end');
            else await this.write(key, (held) => this.table.renew(held, this.workerId));
          } catch (error) {
            // The table is unreachable: keep working until our lease may have expired for others.
            const renewedAt = this.renewedAt.get(key);
            if (renewedAt !== undefined && this.now() - renewedAt > this.failoverMs)
              this.lose(key, 'unrenewable');
            else this.options.onError?.(error);
          }
        }),
      ),
    );
  }

  /** Leases held now, by leaseKey, with their latest counters. */
  held(): Lease[] {
    return [...this.owned.values()].sort((a, b) => compareKeys(a.leaseKey, b.leaseKey));
  }

  /**
   * Stores a shard's checkpoint (at SHARD_END with its children, and with what `extras` carries); false when the
   * lease is not (or no longer) held. A lease checkpointed at SHARD_END stays in held() until the next renew cycle evicts it.
   */
  async checkpoint(
    leaseKey: string,
    sequence: string,
    subSequence: number,
    childShardIds: readonly string[] = [],
    extras: CheckpointExtras = {},
  ): Promise<boolean> {
    const done = await this.serialized(leaseKey, () =>
      this.write(leaseKey, (lease) =>
        this.table.checkpoint(lease, this.workerId, sequence, subSequence, childShardIds, extras),
      ),
    );
    return done !== null;
  }

  /** Raises a held source shard's watermark promise (LeaseTable.promise); false when the lease is not held. */
  async promise(leaseKey: string, watermark: number): Promise<boolean> {
    const done = await this.serialized(leaseKey, () =>
      this.write(leaseKey, (lease) => this.table.promise(lease, this.workerId, watermark)),
    );
    return done !== null;
  }

  /** Marks a held source shard idle (LeaseTable.markIdle); false when the lease is not (or no longer) held. */
  async markIdle(leaseKey: string): Promise<boolean> {
    const done = await this.serialized(leaseKey, () =>
      this.write(leaseKey, (lease) => this.table.markIdle(lease, this.workerId)),
    );
    return done !== null;
  }

  /**
   * One conditional write on a held lease. A failed condition is re-read first (as KCL 3.x does): if this
   * worker still owns the item, the counter moved under us (an SDK retry of a write that had succeeded, or a
   * table write outside the coordinator), so the write is retried once on the fresh lease; otherwise lost.
   */
  private async write(key: string, update: (lease: Lease) => Promise<Lease | null>): Promise<Lease | null> {
    const lease = this.owned.get(key);
    if (!lease) return null;
    let written = await update(lease);
    if (!written) {
      const fresh = await this.table.get(key);
      if (fresh?.leaseOwner === this.workerId) written = await update(fresh);
    }
    if (!written) {
      this.lose(key, 'taken');
      return null;
    }
    this.owned.set(key, written);
    this.renewedAt.set(key, this.now());
    return written;
  }

  /** Evicts a held lease and forgets it; if the eviction's condition fails the lease had moved on anyway. */
  private async release(key: string, reason: 'shutdown' | 'shard_end'): Promise<void> {
    const lease = this.owned.get(key);
    const evicted = lease ? (await this.table.evict(lease, this.workerId)) !== null : false;
    this.owned.delete(key);
    this.renewedAt.delete(key);
    this.options.log?.info({ event: 'lease_released', shard: key, reason, evicted }, 'lease released');
  }

  /** Forgets a lease that left us; a finished (SHARD_END) one is not reported, nothing was lost. */
  private lose(key: string, reason: 'taken' | 'unrenewable'): void {
    const lease = this.owned.get(key);
    if (!lease) return;
    this.owned.delete(key);
    this.renewedAt.delete(key);
    if (lease.checkpoint === SHARD_END) return;
    this.options.log?.warn({ event: 'lease_lost', shard: key, reason }, 'lease lost');
    this.options.onLost?.(key);
  }

  /** Stamps every lease whose counter moved since the last scan; forgets leases that left the table. */
  private observe(all: Lease[], now: number): void {
    const present = new Set<string>();
    for (const lease of all) {
      present.add(lease.leaseKey);
      const seen = this.observed.get(lease.leaseKey);
      if (seen?.counter !== lease.leaseCounter) {
        this.observed.set(lease.leaseKey, { counter: lease.leaseCounter, since: now });
      }
    }
    for (const key of this.observed.keys()) if (!present.has(key)) this.observed.delete(key);
  }

  /** A scan showing another owner (a steal) or no item at all means the lease is gone, even before a renew fails. */
  private forgetLeasesTakenByOthers(all: Lease[]): void {
    const owners = new Map(all.map((lease) => [lease.leaseKey, lease.leaseOwner]));
    for (const key of [...this.owned.keys()]) {
      if (owners.get(key) !== this.workerId) this.lose(key, 'taken');
    }
  }

  /** KCL's computeLeasesToTake + chooseLeasesToSteal over the leases that may be worked on now. */
  private chooseLeasesToTake(all: Lease[], now: number): Lease[] {
    const workable = all.filter((lease) => lease.checkpoint !== SHARD_END && this.eligible(lease, all));
    const expired = (lease: Lease) =>
      now - (this.observed.get(lease.leaseKey)?.since ?? now) > this.failoverMs;
    const available: Lease[] = [];
    const byOwner = new Map<string, Lease[]>();
    for (const lease of workable) {
      if (this.owned.has(lease.leaseKey)) continue;
      // An item naming us that we do not hold is ours from before a restart: no need to wait for it to expire.
      if (lease.leaseOwner === null || lease.leaseOwner === this.workerId || expired(lease)) {
        available.push(lease);
      } else {
        byOwner.set(lease.leaseOwner, [...(byOwner.get(lease.leaseOwner) ?? []), lease]);
      }
    }
    const mine = workable.filter((lease) => this.owned.has(lease.leaseKey)).length;
    const workers = byOwner.size + 1;
    const target = workers >= workable.length ? 1 : Math.ceil(workable.length / workers);
    const needed = target - mine;
    if (needed <= 0) return [];
    if (available.length > 0) {
      const since = (lease: Lease) => this.observed.get(lease.leaseKey)?.since ?? now;
      available.sort((a, b) => since(a) - since(b) || compareKeys(a.leaseKey, b.leaseKey));
      return available.slice(0, needed);
    }
    return this.chooseLeasesToSteal(byOwner, target, needed);
  }

  /** From the single most-loaded worker: its surplus over target, or one lease if it sits at target and we need more than one. */
  private chooseLeasesToSteal(byOwner: Map<string, Lease[]>, target: number, needed: number): Lease[] {
    let victim: Lease[] = [];
    for (const owner of [...byOwner.keys()].sort(compareKeys)) {
      const leases = byOwner.get(owner) ?? [];
      if (leases.length > victim.length) victim = leases;
    }
    const surplus = victim.length - target;
    const count = surplus > 0 ? Math.min(needed, surplus) : surplus === 0 && needed > 1 ? 1 : 0;
    return victim.slice(0, Math.min(count, this.maxLeasesToStealAtOnce));
  }

  /** Runs `work` after every earlier write on the same lease settled. */
  private serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.writes.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.writes.set(key, settled);
    void settled.then(() => {
      if (this.writes.get(key) === settled) this.writes.delete(key);
    });
    return result;
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
