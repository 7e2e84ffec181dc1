import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { EventSource } from '../../schemas/types.js';
import {
  cloudWatchLogs,
  createUser,
  eventBridge,
  FLOW_ACCEPT,
  FLOW_REJECT,
  guardDutyFinding,
  runInstances,
} from '../../test/corpus/decode/records.js';
import { decodeFile, decodeJson, decodeRecord } from './index.js';
import { scanCloudTrailAction } from './prefilter.js';

const origin = { input: 'prefilter', offset: '0' };
/** Wants RunInstances, REJECT flows and SSH brute force only. */
const wants = (source: EventSource, action: string): boolean =>
  (source === 'cloudtrail' && action === 'ec2:RunInstances') ||
  (source === 'flowlog' && action === 'REJECT') ||
  (source === 'guardduty' && action === 'UnauthorizedAccess:EC2/SSHBruteForce');
const text = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('scanCloudTrailAction', () => {
  it('finds the action of a single record, compact or spaced', () => {
    expect(scanCloudTrailAction(JSON.stringify(createUser()))).toBe('iam:CreateUser');
    expect(scanCloudTrailAction(JSON.stringify(createUser(), null, 2))).toBe('iam:CreateUser');
  });

  it('gives up when it cannot be sure', () => {
    const twice = JSON.stringify({
      ...createUser(),
      requestParameters: { eventSource: 'x', eventName: 'y' },
    });
    expect(scanCloudTrailAction(twice)).toBeNull();
    expect(scanCloudTrailAction(JSON.stringify({ Records: [createUser(), runInstances()] }))).toBeNull();
    expect(scanCloudTrailAction(JSON.stringify(createUser({ eventName: 'Create\\User' })))).toBeNull();
    expect(scanCloudTrailAction('{"eventSource": "iam.amazonaws.com"}')).toBeNull();
    expect(scanCloudTrailAction(JSON.stringify(cloudWatchLogs([JSON.stringify(createUser())])))).toBeNull();
    expect(
      scanCloudTrailAction('{"event\\u0053ource":"iam.amazonaws.com","eventName":"CreateUser"}'),
    ).toBeNull();
  });
});

describe('wants prefilter', () => {
  it('skips unwanted CloudTrail records unparsed and keeps wanted ones, in every envelope', () => {
    const unwanted = createUser({ eventTime: 'not a time' });
    expect(decodeRecord(text(unwanted), origin, { wants })).toEqual({
      events: [],
      deadLetters: [],
      ignored: 0,
      skipped: 1,
    });
    expect(decodeRecord(text(runInstances()), origin, { wants }).events.map((event) => event.id)).toEqual([
      'ev-run-1',
    ]);
    const envelope = gzipSync(
      text(cloudWatchLogs([JSON.stringify(createUser()), JSON.stringify(runInstances())])),
    );
    const fromLogs = decodeRecord(envelope, origin, { wants });
    expect([fromLogs.events.map((event) => event.id), fromLogs.skipped]).toEqual([['ev-run-1'], 1]);
    const viaEventBridge = decodeRecord(
      text(eventBridge('AWS API Call via CloudTrail', 'aws.iam', createUser())),
      origin,
      { wants },
    );
    expect([viaEventBridge.events.length, viaEventBridge.skipped]).toEqual([0, 1]);
    const records = decodeJson({ Records: [createUser(), runInstances(), createUser()] }, origin, { wants });
    expect([records.events.map((event) => event.id), records.skipped]).toEqual([['ev-run-1'], 2]);
  });

  it('never skips a wanted record the scan is unsure about', () => {
    const nested = runInstances({
      requestParameters: { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' },
    });
    expect(decodeRecord(text(nested), origin, { wants }).events.map((event) => event.action)).toEqual([
      'ec2:RunInstances',
    ]);
    const escaped = JSON.stringify(runInstances()).replace('"eventName"', '"event\\u004eame"');
    expect(decodeRecord(Buffer.from(escaped), origin, { wants }).events.length).toBe(1);
    const finding = guardDutyFinding({
      service: { serviceName: 'guardduty', eventSource: 'iam.amazonaws.com', eventName: 'X' },
    });
    expect(decodeRecord(text(finding), origin, { wants }).events.map((event) => event.action)).toEqual([
      'UnauthorizedAccess:EC2/SSHBruteForce',
    ]);
  });

  it('skips unwanted GuardDuty types and flow actions', () => {
    expect(decodeJson(guardDutyFinding({ type: 'Recon:EC2/Portscan' }), origin, { wants }).skipped).toBe(1);
    const flows = [FLOW_ACCEPT, FLOW_REJECT].map((line) =>
      decodeRecord(Buffer.from(line), origin, { wants }),
    );
    expect(flows.map((result) => [result.events.length, result.skipped])).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('skips within JSONL and Records files; the counts add up', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardwatch-prefilter-'));
    const lines = Array.from({ length: 30 }, (_, index) =>
      JSON.stringify(
        index % 3 === 0
          ? runInstances({ eventID: `run-${index}` })
          : createUser({ eventID: `user-${index}` }),
      ),
    );
    const jsonl = join(directory, 'mixed.jsonl');
    writeFileSync(jsonl, lines.join('\n'));
    const trail = join(directory, 'trail.json.gz');
    writeFileSync(trail, gzipSync(`{"Records":[${lines.join(',')}]}`));
    for (const path of [jsonl, trail]) {
      let events = 0;
      let skipped = 0;
      for await (const batch of decodeFile(path, { wants })) {
        events += batch.events.length;
        skipped += batch.skipped;
      }
      expect([events, skipped]).toEqual([10, 20]);
    }
  });
});
