import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import kcl from 'aws-kcl';
import { afterEach, describe, expect, it } from 'vitest';
import { detection as largeInstanceBurst } from '../../detections/catalog/cloudtrail/ec2-large-instance-burst/detection.js';
import { minutes } from '../../detections/operators/index.js';
import type { Finding, JsonObject, SecurityEvent } from '../../schemas/types.js';
import { runInstancesRecord } from '../../test/cloudtrail.js';
import { type DeadLetter, decodeJson } from '../decode/index.js';
import { runDetection } from '../pipeline/fixtures.js';
import { DeadLetterFile } from '../sinks/dead-letter-file.js';
import { Delivery } from '../sinks/delivery.js';
import type { BatchOutcome, FindingSink } from '../sinks/sink.js';
import { DEFAULT_STATE_OPTIONS } from '../state/index.js';
import { CheckpointRefusedError } from './checkpoint.js';
import { createRecordProcessor } from './record-processor.js';
import { kclRecord, TestDaemon } from './test-daemon.js';

const SHARD = 'shardId-000000000001';
const ACCOUNT = '111122223333';
/** 10:00:01 UTC: six large launches 20 s apart fill the 10:00–10:05 window. */
const T0 = Date.UTC(2026, 10, 24, 10, 0, 1);
const state = {
  maxEntries: DEFAULT_STATE_OPTIONS.maxEntries,
  maxBytes: DEFAULT_STATE_OPTIONS.maxBytes,
  ttlMs: DEFAULT_STATE_OPTIONS.ttlMs,
};

/** Kinesis-style sequence numbers: 56 digits, increasing with `n`. */
function seq(n: number): string {
  return `4959033827149025660855969253836157109592157598913658${String(n).padStart(4, '0')}`;
}

function largeLaunch(n: number): JsonObject {
  return runInstancesRecord(ACCOUNT, T0 + (n - 1) * 20_000, 'p4d.24xlarge', n);
}

/** A small launch 11 minutes on: moves the watermark past 10:05, so the burst window fires while it is pushed. */
function trigger(n: number): JsonObject {
  return runInstancesRecord(ACCOUNT, T0 + minutes(11) + n * 1000, 't3.micro', n);
}

function decoded(records: readonly JsonObject[]): SecurityEvent[] {
  return records.flatMap(
    (record, index) => decodeJson(record, { input: 'expected', offset: `${index}` }).events,
  );
}

function asRecord(n: number, record: JsonObject, subSequenceNumber = 0): JsonObject {
  return kclRecord(seq(n), JSON.stringify(record), subSequenceNumber);
}

/** Accepts findings at once, or holds them until release() while `gated`. */
class TestSink implements FindingSink {
  readonly name = 'test';
  readonly maxBatch = 1;
  readonly delivered: Finding[] = [];
  private held: (() => void)[] = [];

  constructor(private gated = false) {}

  send(findings: readonly Finding[]): Promise<BatchOutcome> {
    return new Promise((resolve) => {
      const accept = () => {
        this.delivered.push(...findings);
        resolve({ accepted: [...findings], rejected: [], retries: 0 });
      };
      if (this.gated) this.held.push(accept);
      else accept();
    });
  }

  release(): void {
    this.gated = false;
    for (const accept of this.held.splice(0)) accept();
  }

  async close(): Promise<void> {}
}

/** Rejects every finding, so Delivery must dead-letter them. */
class RejectingSink implements FindingSink {
  readonly name = 'rejecting';
  readonly maxBatch = 1;

  async send(findings: readonly Finding[]): Promise<BatchOutcome> {
    const rejected = findings.map((finding) => ({
      finding,
      sink: this.name,
      reason: 'invalid',
      detail: 'test',
    }));
    return { accepted: [], rejected, retries: 0 };
  }

  async close(): Promise<void> {}
}

const running: kcl.KclProcess[] = [];
afterEach(() => {
  for (const process of running.splice(0)) process.cleanup();
});

function start(sink: FindingSink, options: { lingerMs?: number; rejectedPath?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'shardwatch-kcl-'));
  const delivery = new Delivery({
    sinks: [sink],
    deadLetters: new DeadLetterFile(options.rejectedPath ?? join(dir, 'rejected.jsonl')),
    lingerMs: options.lingerMs ?? 60_000,
  });
  const deadLetters: DeadLetter[] = [];
  const errors: { error: unknown; fatal: boolean }[] = [];
  let fatal: (error: unknown) => void = () => undefined;
  const failed = new Promise<unknown>((resolve) => {
    fatal = resolve;
  });
  const processor = createRecordProcessor({
    detections: [largeInstanceBurst],
    latenessMs: minutes(5),
    state,
    delivery,
    onDeadLetter: (deadLetter) => deadLetters.push(deadLetter),
    onError: (error, isFatal) => {
      errors.push({ error, fatal: isFatal });
      if (isFatal) fatal(error);
    },
  });
  const input = new PassThrough();
  const output = new PassThrough();
  const process = kcl(processor, input, output, new PassThrough());
  process.run();
  running.push(process);
  const daemon = new TestDaemon(input, output);
  return { daemon, delivery, deadLetters, errors, failed };
}

async function initialize(daemon: TestDaemon): Promise<void> {
  daemon.send({ action: 'initialize', shardId: SHARD, sequenceNumber: 'TRIM_HORIZON', subSequenceNumber: 0 });
  expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'initialize' });
}

function processRecords(daemon: TestDaemon, records: JsonObject[]): void {
  daemon.send({ action: 'processRecords', millisBehindLatest: 0, records });
}

describe('createRecordProcessor under the MultiLangDaemon protocol', () => {
  it('checkpoints only up to the last record whose findings every sink acked, and the same findings as replay', async () => {
    const sink = new TestSink(true);
    const { daemon, delivery, deadLetters, errors } = start(sink);
    await initialize(daemon);
    const launches = [1, 2, 3, 4, 5, 6].map(largeLaunch);
    // Sequence number 6 is a KPL aggregate the daemon de-aggregated: launch 6, then the trigger. Its
    // sub-records share one position, so the finding fired by sub-record 1 holds all of 6 back.
    processRecords(daemon, [
      ...launches.slice(0, 5).map((record, index) => asRecord(index + 1, record)),
      asRecord(6, launches[5] as JsonObject, 0),
      asRecord(6, trigger(7), 1),
    ]);
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: seq(5) });
    daemon.replyCheckpoint(seq(5));
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'processRecords' });
    expect(sink.delivered).toEqual([]);

    sink.release();
    await delivery.flush();
    processRecords(daemon, []);
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: seq(6) });
    daemon.replyCheckpoint(seq(6));
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'processRecords' });

    daemon.send({ action: 'shardEnded' });
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: null });
    daemon.replyCheckpoint(null);
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'shardEnded' });

    const expected = runDetection(largeInstanceBurst, decoded([...launches, trigger(7)]));
    expect(expected).toHaveLength(1);
    expect(sink.delivered).toEqual(expected);
    expect(deadLetters).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('reports a checkpoint the daemon refuses, still sends the status, and retries it with the next batch', async () => {
    const { daemon, errors } = start(new TestSink());
    await initialize(daemon);
    processRecords(daemon, [asRecord(1, trigger(1))]);
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: seq(1) });
    daemon.replyCheckpoint(seq(1), 'ShutdownException');
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'processRecords' });
    expect(errors).toEqual([
      { error: new CheckpointRefusedError(seq(1), 'ShutdownException'), fatal: false },
    ]);
    expect(errors[0]?.error).toMatchObject({ name: 'CheckpointRefusedError', reason: 'ShutdownException' });

    processRecords(daemon, []);
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: seq(1) });
    daemon.replyCheckpoint(seq(1));
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'processRecords' });
    expect(errors).toHaveLength(1);
  });

  it('dead-letters a record with garbage data and still processes and checkpoints the batch', async () => {
    const { daemon, deadLetters, errors } = start(new TestSink());
    await initialize(daemon);
    processRecords(daemon, [
      asRecord(1, trigger(1)),
      kclRecord(seq(2), '{"eventVersion": "1.08", "eventSource": '),
      kclRecord(seq(3), new Uint8Array([0x00, 0xff, 0x13, 0x37])),
      asRecord(4, trigger(4)),
    ]);
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: seq(4) });
    daemon.replyCheckpoint(seq(4));
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'processRecords' });
    expect(deadLetters.map(({ origin, reason }) => ({ origin, reason }))).toEqual([
      { origin: { input: SHARD, offset: seq(2), index: 0 }, reason: 'json_invalid' },
      { origin: { input: SHARD, offset: seq(3), index: 0 }, reason: 'binary' },
    ]);
    expect(errors).toEqual([]);
  });

  it('at shard end fires the open windows, waits for their acks, then checkpoints SHARD_END', async () => {
    const sink = new TestSink();
    const { daemon } = start(sink);
    await initialize(daemon);
    const launches = [1, 2, 3, 4, 5, 6].map(largeLaunch);
    processRecords(
      daemon,
      launches.map((record, index) => asRecord(index + 1, record)),
    );
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: seq(6) });
    daemon.replyCheckpoint(seq(6));
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'processRecords' });
    expect(sink.delivered).toEqual([]);

    daemon.send({ action: 'shardEnded' });
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: null });
    const expected = runDetection(largeInstanceBurst, decoded(launches));
    expect(expected).toHaveLength(1);
    expect(sink.delivered).toEqual(expected);
    daemon.replyCheckpoint(null);
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'shardEnded' });
  });

  it('on shutdownRequested delivers pending findings and checkpoints what they held back', async () => {
    const sink = new TestSink();
    const { daemon } = start(sink, { lingerMs: 60_000 });
    await initialize(daemon);
    const records = [...[1, 2, 3, 4, 5, 6].map(largeLaunch), trigger(7)];
    processRecords(
      daemon,
      records.map((record, index) => asRecord(index + 1, record)),
    );
    // The finding lingers in Delivery's batch (60 s), unacked: record 7 is not checkpointed yet.
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: seq(6) });
    daemon.replyCheckpoint(seq(6));
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'processRecords' });

    daemon.send({ action: 'shutdownRequested' });
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: seq(7) });
    expect(sink.delivered.map((finding) => finding.detection)).toEqual(['ec2-large-instance-burst']);
    daemon.replyCheckpoint(seq(7));
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'shutdownRequested' });
  });

  it('on leaseLost answers with the status only: no checkpoint', async () => {
    const { daemon } = start(new TestSink(true));
    await initialize(daemon);
    processRecords(
      daemon,
      [...[1, 2, 3, 4, 5, 6].map(largeLaunch), trigger(7)].map((r, i) => asRecord(i + 1, r)),
    );
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: seq(6) });
    daemon.replyCheckpoint(seq(6));
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'processRecords' });

    daemon.send({ action: 'leaseLost' });
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'leaseLost' });
  });

  it('reports a fatal error and sends no status when findings can no longer be acked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-kcl-'));
    // The dead-letter path is a directory: rejected findings cannot be written anywhere durable.
    const { daemon, failed, errors } = start(new RejectingSink(), { rejectedPath: dir });
    await initialize(daemon);
    processRecords(
      daemon,
      [...[1, 2, 3, 4, 5, 6].map(largeLaunch), trigger(7)].map((r, i) => asRecord(i + 1, r)),
    );
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: seq(6) });
    daemon.replyCheckpoint(seq(6));
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'processRecords' });

    daemon.send({ action: 'shutdownRequested' });
    expect(await failed).toMatchObject({ code: 'EISDIR' });
    expect(errors.map(({ fatal }) => fatal)).toEqual([true]);
    expect(daemon.unread).toBe(0);
  });
});
