import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

/** Under DynamoDB's 400 KB item limit, with room for the keys and attribute names. */
export const SNAPSHOT_PART_BYTES = 350 * 1024;
/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_MAX = 25;

/** A snapshot whose parts are missing or inconsistent: never guessed around (the taker would be wrong). */
export class SnapshotUnreadableError extends Error {
  override readonly name = 'SnapshotUnreadableError';
}

type Item = Record<string, AttributeValue>;

/**
 * Engine snapshots of keyed shards in their own DynamoDB table (HASH shardId, RANGE part), one version per
 * checkpoint, split into parts under the item size limit. A version is written whole before the lease's
 * checkpoint names it (one conditional write), so a crash between the two leaves the previous version in use;
 * versions no checkpoint names are deleted after each checkpoint. The lease table itself is scanned on every
 * take cycle, which is why snapshots do not live there.
 *
 *   const store = new SnapshotStore({ client, tableName: 'shardwatch-keyed-leases-snapshots' });
 *   const version = await store.save('shardId-000000000001', bytes); … await store.load(shardId, version);
 */
export class SnapshotStore {
  readonly tableName: string;
  private readonly client: DynamoDBClient;

  constructor(o: { client: DynamoDBClient; tableName: string }) {
    this.client = o.client;
    this.tableName = o.tableName;
  }

  /** Creates the table (PAY_PER_REQUEST) unless it exists, then waits until it is ACTIVE. */
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
            AttributeDefinitions: [
              { AttributeName: 'shardId', AttributeType: 'S' },
              { AttributeName: 'part', AttributeType: 'S' },
            ],
            KeySchema: [
              { AttributeName: 'shardId', KeyType: 'HASH' },
              { AttributeName: 'part', KeyType: 'RANGE' },
            ],
          }),
        );
      } catch (createError) {
        if (!(createError instanceof ResourceInUseException)) throw createError;
      }
    }
    await waitUntilTableExists(
      { client: this.client, maxWaitTime: 120, minDelay: 1, maxDelay: 5 },
      { TableName },
    );
  }

  /** Writes a new version of the shard's snapshot and returns its name (for the lease's checkpoint). */
  async save(shardId: string, bytes: Buffer): Promise<string> {
    const version = randomUUID();
    const parts = Math.max(1, Math.ceil(bytes.length / SNAPSHOT_PART_BYTES));
    for (let index = 0; index < parts; index += 1) {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            shardId: { S: shardId },
            part: { S: partName(version, index) },
            parts: { N: String(parts) },
            data: { B: bytes.subarray(index * SNAPSHOT_PART_BYTES, (index + 1) * SNAPSHOT_PART_BYTES) },
          },
        }),
      );
    }
    return version;
  }

  /** The bytes of one version; throws SnapshotUnreadableError when parts are missing. */
  async load(shardId: string, version: string): Promise<Buffer> {
    const items = await this.query(shardId, `${version}#`, false);
    const expected = Number(items[0]?.parts?.N ?? Number.NaN);
    if (items.length === 0 || items.length !== expected)
      throw new SnapshotUnreadableError(
        `snapshot ${version} of ${shardId}: ${items.length} of ${expected} parts in ${this.tableName}`,
      );
    return Buffer.concat(items.map((item) => Buffer.from(item.data?.B ?? new Uint8Array())));
  }

  /** Deletes every version of the shard but `keep` (left over by earlier checkpoints or a crash). */
  async deleteOthers(shardId: string, keep: string): Promise<void> {
    const stale = (await this.query(shardId, '', true)).filter(
      (item) => !item.part?.S?.startsWith(`${keep}#`),
    );
    for (let i = 0; i < stale.length; i += BATCH_WRITE_MAX) {
      let requests: { DeleteRequest: { Key: Item } }[] = stale.slice(i, i + BATCH_WRITE_MAX).map((item) => ({
        DeleteRequest: { Key: { shardId: { S: shardId }, part: item.part as AttributeValue } },
      }));
      while (requests.length > 0) {
        const out = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (out.UnprocessedItems?.[this.tableName] ?? []).flatMap((request) =>
          request.DeleteRequest?.Key ? [{ DeleteRequest: { Key: request.DeleteRequest.Key } }] : [],
        );
      }
    }
  }

  /** The shard's items whose part starts with `prefix`, in part order (keys only with `keysOnly`). */
  private async query(shardId: string, prefix: string, keysOnly: boolean): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#shard = :shard AND begins_with(#part, :prefix)',
          ExpressionAttributeNames: { '#shard': 'shardId', '#part': 'part' },
          ExpressionAttributeValues: { ':shard': { S: shardId }, ':prefix': { S: prefix } },
          ConsistentRead: true,
          ExclusiveStartKey: start,
          ...(keysOnly ? { ProjectionExpression: '#part' } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/** Parts sort in order as strings. */
function partName(version: string, index: number): string {
  return `${version}#${index.toString().padStart(6, '0')}`;
}
