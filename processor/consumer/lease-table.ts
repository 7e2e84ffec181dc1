import {
  type AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  UpdateItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

/** Checkpoint sentinels, stored verbatim in `checkpoint` as the Java KCL does (SentinelCheckpoint). */
export const SHARD_END = 'SHARD_END';
export const TRIM_HORIZON = 'TRIM_HORIZON';
export const LATEST = 'LATEST';

/**
 * Items that are not shard leases carry an `entityType` other than LEASE (as KCL 3.5 marks its own entities):
 * list() leaves them out, so the lease coordinator never takes them for a shard.
 */
export const LEASE_ENTITY = 'LEASE';

/** One shard's lease, as stored in a KCL 2.x lease table item. */
export interface Lease {
  leaseKey: string;
  leaseOwner: string | null;
  leaseCounter: number;
  checkpoint: string;
  checkpointSubSequenceNumber: number;
  ownerSwitchesSinceCheckpoint: number;
  parentShardIds: string[];
  childShardIds: string[];
  startingHashKey: string | null;
  endingHashKey: string | null;
  /** Keyed shards: the engine snapshot version saved with the checkpoint (SnapshotStore). */
  snapshot: string | null;
  /**
   * Source shards (ingest): the owner's event-time watermark promise, epoch ms — no record it has not yet
   * published everything of holds an event older than it. Ingest workers publish the minimum over shards
   * with the keyed stream.
   */
  watermark: number | null;
  /** Source shards: caught up with nothing new, left out of that minimum until records arrive. */
  idle: boolean;
}

/** What a checkpoint writes besides the position. */
export interface CheckpointExtras {
  snapshot?: string;
}

export interface NewLease {
  leaseKey: string;
  checkpoint: string;
  parentShardIds: string[];
  startingHashKey: string | null;
  endingHashKey: string | null;
}

/** An item in the table that is not a lease (a missing or mistyped attribute): never guessed around. */
export class InvalidLeaseItemError extends Error {
  override readonly name = 'InvalidLeaseItemError';
}

type Item = Record<string, AttributeValue>;

/** How long ensureTable waits for a table someone else is creating. */
const TABLE_ACTIVE_WAIT_SECONDS = 120;

/**
 * The lease table, item for item the Java KCL 2.x layout (leaseKey HASH; leaseOwner absent when unowned;
 * parentShardId/childShardIds as SS; hash keys as decimal S), so KCL tooling can read it. Every write is
 * conditional (ConditionExpression, not KCL's legacy Expected) on the leaseCounter last seen and, for the
 * owner's own writes, on leaseOwner; a failed condition returns null: someone else moved the lease on.
 *
 *   const table = new LeaseTable({ client, tableName: 'shardwatch-ingest' }); await table.ensureTable();
 *   const mine = await table.take((await table.get('shardId-000000000000'))!, 'worker-1');
 */
export class LeaseTable {
  private readonly client: DynamoDBClient;
  readonly tableName: string;

  constructor(o: { client: DynamoDBClient; tableName: string }) {
    this.client = o.client;
    this.tableName = o.tableName;
  }

  /** Creates the table (PAY_PER_REQUEST, HASH leaseKey S) unless it exists, then waits until it is ACTIVE. */
  async ensureTable(): Promise<void> {
    const TableName = this.tableName;
    try {
      await this.client.send(new DescribeTableCommand({ TableName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      try {
        await this.client.send(
          new CreateTableCommand({
            TableName,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
          }),
        );
      } catch (createError) {
        // Another worker created it between our describe and create.
        if (!(createError instanceof ResourceInUseException)) throw createError;
      }
    }
    await waitUntilTableExists(
      { client: this.client, maxWaitTime: TABLE_ACTIVE_WAIT_SECONDS, minDelay: 1, maxDelay: 5 },
      { TableName },
    );
  }

  /** Puts an unowned lease (counter 0) unless one with this key exists; true when it was created. */
  async createIfNotExists(lease: NewLease): Promise<boolean> {
    const item: Lease = {
      ...lease,
      leaseOwner: null,
      leaseCounter: 0,
      checkpointSubSequenceNumber: 0,
      ownerSwitchesSinceCheckpoint: 0,
      childShardIds: [],
      snapshot: null,
      watermark: null,
      idle: false,
    };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(item),
          ConditionExpression: 'attribute_not_exists(leaseKey)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Every lease (consistent Scan, all pages), sorted by leaseKey; items of other entity types are left out. */
  async list(): Promise<Lease[]> {
    const leases: Lease[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) if (isLease(item)) leases.push(fromItem(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return leases.sort((a, b) => (a.leaseKey < b.leaseKey ? -1 : a.leaseKey > b.leaseKey ? 1 : 0));
  }

  async get(leaseKey: string): Promise<Lease | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { leaseKey: { S: leaseKey } },
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  /** The owner's heartbeat: counter c → c+1 while it still owns the lease; null = lost. */
  renew(lease: Lease, owner: string): Promise<Lease | null> {
    return this.update(lease, {
      owner,
      set: { leaseCounter: number(lease.leaseCounter + 1) },
    });
  }

  /**
   * Takes (or steals) a lease whose counter is still the one observed: owner = me, counter + 1, and one more
   * owner switch since the checkpoint when it moves from another owner (as KCL: taking an unowned lease is no switch).
   */
  take(lease: Lease, owner: string): Promise<Lease | null> {
    return this.update(lease, {
      set: { leaseOwner: { S: owner }, leaseCounter: number(lease.leaseCounter + 1) },
      add:
        lease.leaseOwner === null || lease.leaseOwner === owner
          ? {}
          : { ownerSwitchesSinceCheckpoint: number(1) },
    });
  }

  /** Gives the lease up (graceful shutdown): leaseOwner removed, counter + 1 so takers see it moved. */
  evict(lease: Lease, owner: string): Promise<Lease | null> {
    return this.update(lease, {
      owner,
      set: { leaseCounter: number(lease.leaseCounter + 1) },
      remove: ['leaseOwner'],
    });
  }

  /**
   * Records progress; a checkpoint also ends the run of owner switches. `childShardIds`: a shard that reached
   * SHARD_END records its children in the same write, so no renew cycle evicting the finished lease can come
   * between the two. `extras` (a snapshot version, a watermark) are written in the same conditional write.
   */
  checkpoint(
    lease: Lease,
    owner: string,
    sequence: string,
    subSequence: number,
    childShardIds: readonly string[] = [],
    extras: CheckpointExtras = {},
  ): Promise<Lease | null> {
    const children = [...new Set(childShardIds)].sort();
    return this.update(lease, {
      owner,
      set: {
        leaseCounter: number(lease.leaseCounter + 1),
        checkpoint: { S: sequence },
        checkpointSubSequenceNumber: number(subSequence),
        ownerSwitchesSinceCheckpoint: number(0),
        ...(children.length > 0 ? { childShardIds: { SS: children } } : {}),
        ...(extras.snapshot === undefined ? {} : { [SNAPSHOT]: { S: extras.snapshot } }),
      },
    });
  }

  /** A source shard's owner raises its watermark promise (see Lease.watermark); it is not idle then. */
  promise(lease: Lease, owner: string, watermark: number): Promise<Lease | null> {
    return this.update(lease, {
      owner,
      set: { leaseCounter: number(lease.leaseCounter + 1), [WATERMARK]: number(watermark) },
      remove: [IDLE],
    });
  }

  /** A source shard caught up with nothing new (see Lease.idle); the owner's write, like a renew. */
  markIdle(lease: Lease, owner: string): Promise<Lease | null> {
    return this.update(lease, {
      owner,
      set: { leaseCounter: number(lease.leaseCounter + 1), [IDLE]: { BOOL: true } },
    });
  }

  /** One conditional UpdateItem; the new lease, or null when the condition failed. */
  private async update(
    lease: Lease,
    change: {
      owner?: string;
      counter?: false;
      set?: Item;
      add?: Item;
      remove?: string[];
    },
  ): Promise<Lease | null> {
    const names: Record<string, string> = { '#key': 'leaseKey' };
    const values: Item = {};
    const conditions = ['attribute_exists(#key)'];
    if (change.counter !== false) {
      names['#counter'] = 'leaseCounter';
      values[':expectedCounter'] = number(lease.leaseCounter);
      conditions.push('#counter = :expectedCounter');
    }
    if (change.owner !== undefined) {
      names['#owner'] = 'leaseOwner';
      values[':expectedOwner'] = { S: change.owner };
      conditions.push('#owner = :expectedOwner');
    }
    const clauses: string[] = [];
    const clause = (verb: string, attributes: Item | undefined) => {
      const parts = Object.entries(attributes ?? {}).map(([name, value], i) => {
        names[`#${verb}${i}`] = name;
        values[`:${verb}${i}`] = value;
        return verb === 'SET' ? `#${verb}${i} = :${verb}${i}` : `#${verb}${i} :${verb}${i}`;
      });
      if (parts.length > 0) clauses.push(`${verb} ${parts.join(', ')}`);
    };
    clause('SET', change.set);
    clause('ADD', change.add);
    const removed = (change.remove ?? []).map((name, i) => {
      names[`#REMOVE${i}`] = name;
      return `#REMOVE${i}`;
    });
    if (removed.length > 0) clauses.push(`REMOVE ${removed.join(', ')}`);
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { leaseKey: { S: lease.leaseKey } },
          UpdateExpression: clauses.join(' '),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!out.Attributes)
        throw new InvalidLeaseItemError(`UpdateItem on ${lease.leaseKey} returned no item`);
      return fromItem(out.Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }
}

/** shardwatch's own attributes on KCL lease items (KCL leaves attributes it does not know alone). */
const SNAPSHOT = 'shardwatchSnapshot';
const WATERMARK = 'shardwatchWatermark';
const IDLE = 'shardwatchIdle';

function number(n: number): AttributeValue {
  return { N: String(n) };
}

function isLease(item: Item): boolean {
  const type = item.entityType?.S;
  return type === undefined || type === LEASE_ENTITY;
}

/**
 * The KCL item for a lease: absent attributes for no owner, no parents, no children, no hash range.
 *
 *   toItem(lease).leaseCounter; // { N: '3' }
 */
export function toItem(lease: Lease): Item {
  const item: Item = {
    leaseKey: { S: lease.leaseKey },
    leaseCounter: number(lease.leaseCounter),
    checkpoint: { S: lease.checkpoint },
    checkpointSubSequenceNumber: number(lease.checkpointSubSequenceNumber),
    ownerSwitchesSinceCheckpoint: number(lease.ownerSwitchesSinceCheckpoint),
  };
  if (lease.leaseOwner !== null) item.leaseOwner = { S: lease.leaseOwner };
  if (lease.parentShardIds.length > 0) item.parentShardId = { SS: [...new Set(lease.parentShardIds)].sort() };
  if (lease.childShardIds.length > 0) item.childShardIds = { SS: [...new Set(lease.childShardIds)].sort() };
  if (lease.startingHashKey !== null) item.startingHashKey = { S: lease.startingHashKey };
  if (lease.endingHashKey !== null) item.endingHashKey = { S: lease.endingHashKey };
  if (lease.snapshot !== null) item[SNAPSHOT] = { S: lease.snapshot };
  if (lease.watermark !== null) item[WATERMARK] = number(lease.watermark);
  if (lease.idle) item[IDLE] = { BOOL: true };
  return item;
}

/**
 * Reads a KCL lease item; attributes KCL may omit (owner, counters on very old items, sets) get their defaults.
 *
 *   fromItem({ leaseKey: { S: 'shardId-0' }, leaseCounter: { N: '1' }, checkpoint: { S: 'LATEST' } }).leaseOwner; // null
 */
export function fromItem(item: Item): Lease {
  const leaseKey = item.leaseKey?.S;
  if (leaseKey === undefined) throw new InvalidLeaseItemError('lease item without a string leaseKey');
  const integer = (name: string): number => {
    const value = item[name];
    if (value === undefined) return 0;
    const n = value.N === undefined ? Number.NaN : Number(value.N);
    if (!Number.isSafeInteger(n)) throw new InvalidLeaseItemError(`${leaseKey}: ${name} is not an integer N`);
    return n;
  };
  const text = (name: string): string | null => item[name]?.S ?? null;
  return {
    leaseKey,
    leaseOwner: text('leaseOwner'),
    leaseCounter: integer('leaseCounter'),
    checkpoint: text('checkpoint') ?? TRIM_HORIZON,
    checkpointSubSequenceNumber: integer('checkpointSubSequenceNumber'),
    ownerSwitchesSinceCheckpoint: integer('ownerSwitchesSinceCheckpoint'),
    parentShardIds: [...(item.parentShardId?.SS ?? [])].sort(),
    childShardIds: [...(item.childShardIds?.SS ?? [])].sort(),
    startingHashKey: text('startingHashKey'),
    endingHashKey: text('endingHashKey'),
    snapshot: text(SNAPSHOT),
    watermark: item[WATERMARK] === undefined ? null : integer(WATERMARK),
    idle: item[IDLE]?.BOOL === true,
  };
}
