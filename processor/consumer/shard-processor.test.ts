import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detection as largeInstanceBurst } from '../../detections/catalog/cloudtrail/ec2-large-instance-burst/detection.js';
import { runInstancesRecord } from '../../test/cloudtrail.js';
import { MemorySink } from '../../test/consumer/harness.js';
import { createStream, type KinesisLocal, startKinesisLocal, waitActive } from '../../test/kinesis/local.js';
import type { DeadLetter } from '../decode/index.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { WatermarkClock } from '../pipeline/watermarks.js';
import { Delivery } from '../sinks/delivery.js';
import { DEFAULT_STATE_OPTIONS, StateCache } from '../state/index.js';
import { CheckpointHorizon, ShardPositions } from './checkpoint-horizon.js';
import { ShardProcessor } from './shard-processor.js';
import { ShardReader } from './shard-reader.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 10, 24, 9);
const ACCOUNT = '111122223333';
const SHARD = 'shardId-000000000000';

describe('ShardProcessor on kinesis-local', () => {
  let kinesis: KinesisLocal;
  beforeAll(async () => {
    kinesis = await startKinesisLocal();
  }, 60_000);
  afterAll(async () => {
    await kinesis?.stop();
  });

  it('processes records into the pipeline, checkpoints behind the horizon, goes idle, and finishes at SHARD_END', async () => {
    const client = kinesis.client();
    await createStream(client, 'one', 1);
    const put = async (data: Uint8Array) =>
      (await client.send(new PutRecordCommand({ StreamName: 'one', PartitionKey: 'k', Data: data })))
        .SequenceNumber as string;
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    // Six large launches in one 5-minute window (a finding), garbage, then a launch two hours later.
    for (let i = 0; i < 6; i += 1) {
      await put(json(runInstancesRecord(ACCOUNT, T0 + i * 10_000, 'p4d.24xlarge', i + 1)));
    }
    const garbage = await put(Buffer.from('{"not": "closed"'));
    await put(json(runInstancesRecord(ACCOUNT, T0 + 2 * HOUR, 't3.micro', 99)));

    const clock = new WatermarkClock(5 * MINUTE);
    const horizon = new CheckpointHorizon({ clock, horizonMs: HOUR });
    const positions = new ShardPositions(horizon);
    const sink = new MemorySink();
    const delivery = new Delivery({
      sinks: [sink],
      deadLetters: { write: async () => undefined, close: async () => undefined },
      lingerMs: 10,
    });
    let pushing: ShardPositions | undefined;
    const pipeline = new Pipeline({
      detections: [largeInstanceBurst],
      clock,
      state: new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock.latest }),
      onFinding: (finding) => {
        const releases = [horizon.hold(), pushing?.hold()];
        delivery.submit(finding, () => {
          for (const release of releases) release?.();
        });
      },
    });
    const inputCalls: string[] = [];
    const checkpoints: string[] = [];
    const finished: string[][] = [];
    const deadLetters: DeadLetter[] = [];
    pipeline.open(SHARD);
    const processor = new ShardProcessor({
      shardId: SHARD,
      reader: new ShardReader({
        kinesis: client,
        streamName: 'one',
        shardId: SHARD,
        start: { type: 'TRIM_HORIZON' },
      }),
      positions,
      decode: { wants: (source, action) => pipeline.wants(source, action) },
      input: {
        open: (id) => {
          inputCalls.push(`open ${id}`);
          pipeline.open(id);
        },
        close: (id) => {
          inputCalls.push(`close ${id}`);
          pipeline.close(id);
        },
        push: (id, record, held) => {
          pushing = held;
          for (const event of record.events) pipeline.push(id, event);
          pushing = undefined;
        },
      },
      ready: () => delivery.ready(),
      flush: () => delivery.flush(),
      checkpoint: async ({ sequence }) => {
        checkpoints.push(sequence);
        return true;
      },
      finish: async (children) => {
        finished.push(children);
        return true;
      },
      onDeadLetter: (deadLetter) => deadLetters.push(deadLetter),
      checkpointIntervalMs: 0,
      idleMs: 20,
      idleTimeoutMs: 0,
    });
    const outcome = processor.run();
    // Acks arrive after Delivery's linger: wait until only the later launch is left uncheckpointed.
    while (!processor.isIdle || positions.outstanding > 1) await sleep(20);

    expect(processor.records).toBe(8);
    expect(processor.millisBehindLatest).toBe(0);
    expect(inputCalls).toEqual([`close ${SHARD}`]); // caught up: no longer holds the watermark back
    expect(deadLetters.map((d) => [d.origin.offset, d.reason])).toEqual([[garbage, 'json_invalid']]);
    expect(sink.findings.map((f) => [f.detection, f.count])).toEqual([['ec2-large-instance-burst', 6]]);
    // Watermark 1:55 → limit 0:55: everything up to the garbage record; the later launch stays replayable.
    expect(checkpoints).toEqual([garbage]);

    await client.send(
      new SplitShardCommand({
        StreamName: 'one',
        ShardToSplit: SHARD,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await waitActive(client, 'one');
    expect(await outcome).toBe('shard_end');
    expect(finished).toEqual([['shardId-000000000001', 'shardId-000000000002']]);
  }, 60_000);
});
