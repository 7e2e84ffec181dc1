import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { MemorySink, memoryDelivery } from '../../../test/consumer/harness.js';
import { DEFAULT_CONFIG } from '../../cli/config.js';
import { enabledDetections } from '../../cli/detections.js';
import type { WorkerOptions } from '../worker.js';
import { roleWorker } from './roles.js';

// Clients that are never called: roleWorker only assembles options (the e2e test is test/consumer/roles.test.ts).
const { detections, params } = enabledDetections(DEFAULT_CONFIG);
const all: WorkerOptions = {
  kinesis: new KinesisClient({ region: 'us-east-1' }),
  dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
  streamName: 'cloudtrail',
  leaseTableName: 'shardwatch',
  workerId: 'task-1',
  detections,
  params,
  latenessMs: DEFAULT_CONFIG.latenessMs,
  state: DEFAULT_CONFIG.state,
  delivery: memoryDelivery(new MemorySink()),
  initialPosition: 'TRIM_HORIZON',
  horizonMs: 3_600_000,
};
const keyed = { stream: 'shardwatch-keyed', leaseTable: 'shardwatch-keyed-leases' };
const ids = (options: WorkerOptions) => options.detections.map((detection) => detection.id).sort();
const statefulIds = detections
  .filter((detection) => detection.stateful)
  .map((detection) => detection.id)
  .sort();

const relayedIds = detections
  .filter((detection) => !detection.stateful && detection.dedupPeriodMs !== undefined)
  .map((detection) => detection.id)
  .sort();

describe('roleWorker', () => {
  it('leaves `all` as it is', () => {
    expect(roleWorker('all', all, undefined).options).toBe(all);
  });

  it('ingest: the source stream, single-event detections only, a publisher to the keyed stream, no horizon', () => {
    const { options, publisher } = roleWorker('ingest', all, keyed);
    expect(ids(options)).toEqual(ids(all).filter((id) => !statefulIds.includes(id)));
    // Their roll-ups happen on the detect side, one engine per dedup key: ingest hands their findings on.
    expect(relayedIds).toContain('iam-root-account-usage');
    expect(relayedIds.every((id) => publisher?.relays(id))).toBe(true);
    expect(publisher?.relays('iam-user-created')).toBe(false);
    expect([options.streamName, options.leaseTableName, options.horizonMs]).toEqual([
      'cloudtrail',
      'shardwatch',
      0,
    ]);
    expect(options.publisher).toBe(publisher);
    // Every CloudTrail call: the GuardDuty credential-use correlation looks at any call the instance role makes.
    expect(publisher?.wants('cloudtrail', 's3:GetObject')).toBe(true);
    expect(publisher?.wants('flowlog', 'REJECT')).toBe(true);
    // flowlog-delivery-gap counts idle intervals as heartbeats too.
    expect(publisher?.wants('flowlog', 'NODATA')).toBe(true);
  });

  it('detect: the keyed stream on its own lease table, the stateful detections, an engine per shard', () => {
    const { options } = roleWorker('detect', all, keyed);
    // The full list is pinned in keyed-routes.test.ts: here, one of each kind.
    for (const id of ['signin-password-spraying', 'flowlog-port-scan', 'iam-user-backdoor-chain'])
      expect(statefulIds).toContain(id);
    expect(ids(options)).toEqual(statefulIds);
    expect([options.streamName, options.leaseTableName]).toEqual([
      'shardwatch-keyed',
      'shardwatch-keyed-leases',
    ]);
    expect(options.keyed?.snapshotTable).toBe('shardwatch-keyed-leases-snapshots');
    expect(options.keyed?.relayed.map((detection) => detection.id).sort()).toEqual(relayedIds);
    expect(options.keyed?.relayed.every((detection) => detection.dedupPeriodMs !== undefined)).toBe(true);
    expect(options.publisher).toBeUndefined();
  });

  it('refuses a split role without a keyed stream', () => {
    expect(() => roleWorker('detect', all, undefined)).toThrow(
      'role detect needs the keyed stream (consumer.keyedStream)',
    );
  });
});
