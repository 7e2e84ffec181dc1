import { randomBytes } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamoDb, startDynalite } from '../../test/dynamodb/local.js';
import { ACCOUNT, cloudTrailEvent } from '../state/cloudtrail-test-event.js';
import { DEFAULT_STATE_OPTIONS, StateCache } from '../state/index.js';
import { decodeEngineSnapshot, type EngineSnapshot, encodeEngineSnapshot } from './engine-snapshot.js';
import { SNAPSHOT_PART_BYTES, SnapshotStore, SnapshotUnreadableError } from './snapshot-store.js';

let ddb: LocalDynamoDb;
let store: SnapshotStore;

beforeAll(async () => {
  ddb = await startDynalite();
  store = new SnapshotStore({ client: ddb.client(), tableName: 'keyed-leases-snapshots' });
  await store.ensureTable();
  await store.ensureTable(); // idempotent
});
afterAll(() => ddb.stop());

describe('SnapshotStore', () => {
  it('round-trips a snapshot larger than one item, and deletes every other version of the shard', async () => {
    const big = randomBytes(SNAPSHOT_PART_BYTES * 2 + 17);
    const first = await store.save('shardId-000000000001', Buffer.from('first'));
    const second = await store.save('shardId-000000000001', big);
    const other = await store.save('shardId-000000000002', Buffer.from('other shard'));
    expect((await store.load('shardId-000000000001', second)).equals(big)).toBe(true);
    expect((await store.load('shardId-000000000001', first)).toString()).toBe('first');
    await store.deleteOthers('shardId-000000000001', second);
    await expect(store.load('shardId-000000000001', first)).rejects.toBeInstanceOf(SnapshotUnreadableError);
    expect((await store.load('shardId-000000000001', second)).equals(big)).toBe(true);
    expect((await store.load('shardId-000000000002', other)).toString()).toBe('other shard');
  });

  it('refuses a version with a part missing', async () => {
    const version = await store.save('shardId-000000000003', randomBytes(SNAPSHOT_PART_BYTES + 1));
    await ddb.client().send(
      new PutItemCommand({
        TableName: store.tableName,
        Item: {
          shardId: { S: 'shardId-000000000004' },
          part: { S: `${version}#000000` },
          parts: { N: '2' },
          data: { B: new Uint8Array([1]) },
        },
      }),
    );
    await expect(store.load('shardId-000000000004', version)).rejects.toThrow(/1 of 2 parts/);
  });
});

describe('engine snapshot encoding', () => {
  it('round-trips times (including -Infinity), the restore point, the state and dedup buckets', () => {
    const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => 0 });
    state.apply(cloudTrailEvent('iam:CreateRole', { requestParameters: { roleName: 'ci' } }));
    const finding = {
      id: 'f1',
      detection: 'd',
      title: 't',
      description: '',
      severity: 'high' as const,
      tier: 'alert' as const,
      riskScore: 75,
      time: 1000,
      window: { start: 0, end: 300_000 },
      account: '111122223333',
      region: null,
      principal: null,
      resources: [],
      mitre: [],
      evidence: ['e1'],
      count: 3,
      runbook: 'https://example.com',
      remediation: 'r',
      dedupKey: 'k',
      context: { a: 'b' },
    };
    const snapshot: EngineSnapshot = {
      shard: 'shardId-000000000001',
      replayFrom: '49650000000000000000000000000000000000000000000000000002',
      watermark: Number.NEGATIVE_INFINITY,
      maxTime: 1000,
      learnedUpTo: 500,
      point: {
        through: {
          'shardId-000000000001': 49650000000000000000000000000000000000000000000000000009n,
          'shardId-000000000000': 7n,
        },
        watermark: 9000,
      },
      state: state.snapshot(),
      dedup: {
        d: [
          {
            bucket: {
              id: 'b1',
              detection: 'd',
              dedupKey: 'k',
              end: 3_600_000,
              findings: [finding],
              size: 2,
              count: 4,
              window: finding.window,
            },
            closed: false,
            partitionKey: '111122223333',
            merged: [finding.id],
          },
        ],
      },
    };
    const decoded = decodeEngineSnapshot(encodeEngineSnapshot(snapshot));
    expect(decoded).toEqual(snapshot);
    expect(
      StateCache.restore(decoded.state, { ...DEFAULT_STATE_OPTIONS, now: () => 0 }).role(ACCOUNT, 'ci')?.name,
    ).toBe('ci');
  });
});
