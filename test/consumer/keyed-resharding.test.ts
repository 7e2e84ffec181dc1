import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  MergeShardsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { LeaseTable, SHARD_END } from '../../processor/consumer/lease-table.js';
import { inRange, partitionKeyHash } from '../../processor/consumer/roles/hash-range.js';
import { decodeKeyedRecord } from '../../processor/consumer/roles/keyed-record.js';
import type { JsonObject } from '../../schemas/types.js';
import { createStream, waitActive } from '../kinesis/local.js';
import {
  compareWithReplay,
  MINUTE,
  putAll,
  startRun,
  story,
  ticks,
  waitForReplayFindings,
} from './cluster.js';
import { listShards, replayFindings, useEmulators, waitFor } from './harness.js';

const T0 = Date.UTC(2026, 10, 24, 9);
const HALF = 2n ** 127n;
const QUARTER = 2n ** 126n;
const BURST = 'ec2-large-instance-burst';

/** The first account `1000000000NN` whose partition-key hash lies in [start, end]. */
function accountIn(start: bigint, end: bigint): string {
  for (let n = 10; n < 1000; n += 1) {
    const account = `1000000${String(n).padStart(5, '0')}`;
    if (inRange(partitionKeyHash(account), { start, end })) return account;
  }
  throw new Error('no account in range');
}

/** Launches of `account` on a keyed shard so far (what ingest published there). */
async function launchesOn(client: KinesisClient, stream: string, shardId: string, account: string) {
  let { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  let count = 0;
  for (let reads = 0; reads < 50 && ShardIterator; reads += 1) {
    const out = await client.send(new GetRecordsCommand({ ShardIterator }));
    for (const record of out.Records ?? []) {
      const { event } = decodeKeyedRecord(Buffer.from(record.Data ?? new Uint8Array()));
      if (event?.action === 'ec2:RunInstances' && record.PartitionKey === account) count += 1;
    }
    if ((out.Records ?? []).length === 0 && out.MillisBehindLatest === 0) break;
    ShardIterator = out.NextShardIterator;
  }
  return count;
}

describe('resharding the keyed stream while windows are open across it', () => {
  const env = useEmulators();

  it('split and merge: the children complete the open windows and roll-ups, exactly what replay finds', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardwatch-keyed-reshard-'));
    const client = env.kinesis.client();
    const keyed = { stream: 'reshard-keyed', leaseTable: 'reshard-keyed-leases' };
    await Promise.all([createStream(client, 'reshard-source', 1), createStream(client, keyed.stream, 2)]);
    const starts = (await listShards(client, 'reshard-source')).map((shard) => shard.start);
    // x: in the upper half of keyed shard 0 (its split's upper child); z: in keyed shard 1 (merged later).
    const x = accountIn(QUARTER, HALF - 1n);
    const z = accountIn(HALF, 2n ** 128n - 1n);
    const worker = startRun(env, directory, 'worker', {
      stream: 'reshard-source',
      leaseTable: 'reshard-leases',
      keyed,
    });
    await waitFor(
      'the worker consuming both streams',
      () => worker.stderr().includes(`consuming ${keyed.stream}`),
      60_000,
      worker.stderr,
    );

    // 09:00–09:40: x's burst at 09:15–09:17 split after its fourth launch, z's at 09:21–09:23 merged after its fourth.
    const records = story(T0, 40, {
      bursts: [
        [15, x],
        [21, z],
      ],
    });
    const cut = (minute: number) =>
      records.findIndex(
        (r: JsonObject) => Date.parse(r.eventTime as string) >= T0 + minute * MINUTE + 66_000,
      );
    const [splitAt, mergeAt] = [cut(15), cut(21)];
    const end = ticks(T0 + 4 * 60 * MINUTE, starts);
    const replayFile = join(directory, 'replay.jsonl');
    writeFileSync(
      replayFile,
      [...records, ...end.map((put) => put.record)].map((r) => JSON.stringify(r)).join('\n'),
    );
    const expected = await replayFindings([replayFile]);
    const put = (slice: readonly JsonObject[]) =>
      putAll(
        client,
        'reshard-source',
        slice.map((record) => ({ record, hashKey: null })),
      );

    await put(records.slice(0, splitAt));
    await waitFor(
      'x launches on keyed shard 0',
      async () => (await launchesOn(client, keyed.stream, 'shardId-000000000000', x)) === 4,
    );
    await client.send(
      new SplitShardCommand({
        StreamName: keyed.stream,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: QUARTER.toString(),
      }),
    );
    await waitActive(client, keyed.stream);
    await put(records.slice(splitAt, mergeAt));
    await waitFor(
      'z launches on keyed shard 1',
      async () => (await launchesOn(client, keyed.stream, 'shardId-000000000001', z)) === 4,
    );
    // The split's upper child (x's, not yet checkpointed) merges with shard 1 (z's): x's window now spans two
    // reshards, z's one.
    await client.send(
      new MergeShardsCommand({
        StreamName: keyed.stream,
        ShardToMerge: 'shardId-000000000003',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    );
    await waitActive(client, keyed.stream);
    await put(records.slice(mergeAt));
    await putAll(client, 'reshard-source', end);
    const keyedLeases = new LeaseTable({ client: env.dynamo.client(), tableName: keyed.leaseTable });
    await waitForReplayFindings([worker], expected, 150_000, [keyedLeases]);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);

    const shards = await listShards(client, keyed.stream);
    expect(shards.map((shard) => [shard.id, shard.parents])).toEqual([
      ['shardId-000000000000', []],
      ['shardId-000000000001', []],
      ['shardId-000000000002', ['shardId-000000000000']],
      ['shardId-000000000003', ['shardId-000000000000']],
      ['shardId-000000000004', ['shardId-000000000003', 'shardId-000000000001']], // merged into, adjacent
    ]);
    const leases = await keyedLeases.list();
    expect(
      leases.map((lease) => [lease.leaseKey, lease.checkpoint === SHARD_END, lease.snapshot !== null]),
    ).toEqual([
      ['shardId-000000000000', true, true],
      ['shardId-000000000001', true, true],
      ['shardId-000000000002', false, true],
      ['shardId-000000000003', true, true],
      ['shardId-000000000004', false, true],
    ]);
    expect(compareWithReplay([worker.findings()], expected)).toEqual([]);
    // Each burst window found once, whole: no parent flushed half of it at its shard end.
    const bursts = worker.findings().filter((finding) => finding.detection === BURST);
    expect(bursts.map((finding) => [finding.account, finding.count])).toEqual([
      [x, 7],
      [z, 7],
    ]);
    // The root user's hourly roll-up spans both reshards too.
    expect(expected.filter((f) => f.detection === 'iam-root-account-usage').map((f) => f.count)).toEqual([
      1, 6,
    ]);
  }, 240_000);
});
