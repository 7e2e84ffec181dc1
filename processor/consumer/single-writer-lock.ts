import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DEFAULT_FAILOVER_MS } from './lease-coordinator.js';

/** The lock item's key in the lease table, and its entity type (LeaseTable.list() leaves it out). */
export const SINGLE_WRITER_KEY = 'shardwatch:single-writer';
export const SINGLE_WRITER_ENTITY = 'SHARDWATCH_SINGLE_WRITER';

export interface SingleWriterLockOptions {
  client: DynamoDBClient;
  tableName: string;
  workerId: string;
  /** As the shard leases: a holder whose counter has not moved for this long (on our clock) is gone. */
  failoverMs?: number;
  /** Monotonic ms (default performance.now). */
  now?: () => number;
  /** The lock was taken by another worker or could not be renewed for failoverMs: stop writing. */
  onLost?: () => void;
}

/** Who holds the lock, when acquire() finds it held by a live worker. */
export interface LockHolder {
  owner: string;
}

/**
 * One writer per lease table for role `all` without a keyed stream: each worker would otherwise count windows
 * over only the shards it holds. An item in the lease table with the shard leases' protocol — an owner and a
 * counter, changed only by conditional writes; the owner bumps the counter every failover/3; another worker
 * takes it over once the counter has not moved for longer than failoverMs on its own clock (immune to skew).
 * stop() gives it up at once, so a replacement task starts without waiting.
 *
 *   const lock = new SingleWriterLock({ client, tableName: 'shardwatch', workerId, onLost: () => exit(1) });
 *   const holder = await lock.acquire(); if (holder) refuse(holder.owner); … await lock.stop();
 */
export class SingleWriterLock {
  private readonly failoverMs: number;
  private readonly now: () => number;
  private counter = 0;
  private renewedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;

  constructor(private readonly o: SingleWriterLockOptions) {
    this.failoverMs = o.failoverMs ?? DEFAULT_FAILOVER_MS;
    this.now = o.now ?? (() => performance.now());
  }

  /**
   * Takes the lock, or returns who holds it. A lock held by another worker is watched for up to failoverMs:
   * taken if its counter stays still (its holder died), refused as soon as the counter moves.
   */
  async acquire(): Promise<LockHolder | undefined> {
    for (;;) {
      const seen = await this.read();
      if (!seen) {
        if (await this.create()) return this.held();
        continue;
      }
      // Free, or ours from before a restart: no need to wait for it to expire.
      if (seen.owner === null || seen.owner === this.o.workerId) {
        if (await this.take(seen.counter)) return this.held();
        continue;
      }
      const since = this.now();
      for (;;) {
        await sleep(Math.min(1000, this.failoverMs / 3));
        const now = await this.read();
        if (!now || now.counter !== seen.counter || now.owner !== seen.owner) {
          if (now?.owner && now.owner !== this.o.workerId && now.counter !== seen.counter)
            return { owner: now.owner };
          break; // released, deleted or changed hands: look again
        }
        if (this.now() - since > this.failoverMs) {
          if (await this.take(seen.counter)) return this.held();
          break;
        }
      }
    }
  }

  /** Gives the lock up (owner removed, counter bumped) and stops renewing. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
    await this.update('REMOVE #owner SET #counter = :next').catch(() => undefined);
  }

  /** The lock is ours: renew it every failover/3. */
  private held(): undefined {
    this.renewedAt = this.now();
    this.timer = setInterval(() => {
      this.renewing ??= this.renew().finally(() => {
        this.renewing = undefined;
      });
    }, this.failoverMs / 3);
    return undefined;
  }

  private async renew(): Promise<void> {
    try {
      if (await this.update('SET #counter = :next')) {
        this.renewedAt = this.now();
        return;
      }
      this.lose(); // another worker took it
    } catch {
      // The table is unreachable: keep writing until the lock may have expired for others.
      if (this.now() - this.renewedAt > this.failoverMs) this.lose();
    }
  }

  private lose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.o.onLost?.();
  }

  private async read(): Promise<{ owner: string | null; counter: number } | undefined> {
    const out = await this.o.client.send(
      new GetItemCommand({
        TableName: this.o.tableName,
        Key: { leaseKey: { S: SINGLE_WRITER_KEY } },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    return { owner: out.Item.leaseOwner?.S ?? null, counter: Number(out.Item.leaseCounter?.N ?? '0') };
  }

  private async create(): Promise<boolean> {
    try {
      await this.o.client.send(
        new PutItemCommand({
          TableName: this.o.tableName,
          Item: {
            leaseKey: { S: SINGLE_WRITER_KEY },
            entityType: { S: SINGLE_WRITER_ENTITY },
            leaseOwner: { S: this.o.workerId },
            leaseCounter: { N: '0' },
          },
          ConditionExpression: 'attribute_not_exists(leaseKey)',
        }),
      );
      this.counter = 0;
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Takes the lock whose counter is still `counter`. */
  private async take(counter: number): Promise<boolean> {
    try {
      await this.o.client.send(
        new UpdateItemCommand({
          TableName: this.o.tableName,
          Key: { leaseKey: { S: SINGLE_WRITER_KEY } },
          UpdateExpression: 'SET #owner = :me, #counter = :next',
          ConditionExpression: '#counter = :seen',
          ExpressionAttributeNames: { '#owner': 'leaseOwner', '#counter': 'leaseCounter' },
          ExpressionAttributeValues: {
            ':me': { S: this.o.workerId },
            ':next': { N: String(counter + 1) },
            ':seen': { N: String(counter) },
          },
        }),
      );
      this.counter = counter + 1;
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** One write of ours, while we still own the lock with the counter we last wrote; false when we do not. */
  private async update(expression: string): Promise<boolean> {
    try {
      await this.o.client.send(
        new UpdateItemCommand({
          TableName: this.o.tableName,
          Key: { leaseKey: { S: SINGLE_WRITER_KEY } },
          UpdateExpression: expression,
          ConditionExpression: '#owner = :me AND #counter = :seen',
          ExpressionAttributeNames: { '#owner': 'leaseOwner', '#counter': 'leaseCounter' },
          ExpressionAttributeValues: {
            ':me': { S: this.o.workerId },
            ':seen': { N: String(this.counter) },
            ':next': { N: String(this.counter + 1) },
          },
        }),
      );
      this.counter += 1;
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
