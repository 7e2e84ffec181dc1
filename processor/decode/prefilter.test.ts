import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { EventSource } from '../../schemas/types.js';
import {
  cloudWatchLogs,
  consoleLogin,
  createUser,
  eventBridge,
  FLOW_ACCEPT,
  FLOW_REJECT,
  guardDutyFinding,
  runInstances,
} from '../../test/corpus/decode/records.js';
import { decodeFile, decodeJson, decodeRecord } from './index.js';
import { markedReadOnly, scanCloudTrailAction } from './prefilter.js';
import type { RawNeed } from './record-filter.js';

const origin = { input: 'prefilter', offset: '0' };
/** Wants RunInstances, REJECT flows and SSH brute force only. */
const wants = (source: EventSource, action: string): boolean =>
  (source === 'cloudtrail' && action === 'ec2:RunInstances') ||
  (source === 'flowlog' && action === 'REJECT') ||
  (source === 'guardduty' && action === 'UnauthorizedAccess:EC2/SSHBruteForce');
const text = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('rawContains needles', () => {
  /** Every CloudTrail action wanted, but only records that mention root or an instance session. */
  const wantsAll = (): boolean => true;
  const rawNeed = (source: EventSource): RawNeed | null =>
    source === 'cloudtrail' ? { needles: ['Root', '/i-'], changes: false } : null;
  const options = { wants: wantsAll, rawNeed };
  const rootLogin = consoleLogin();
  const instanceCall = runInstances({
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/web/i-0abc12345' },
  });

  it('skips a record of a wanted action whose text holds no needle', () => {
    expect(decodeRecord(text(createUser()), origin, options).skipped).toBe(1);
    expect(decodeRecord(text(rootLogin), origin, options).events.length).toBe(1);
    expect(decodeRecord(text(instanceCall), origin, options).events.length).toBe(1);
  });

  it('finds needles in spaced JSON, and parses any text with an escape that could hide one', () => {
    expect(decodeRecord(Buffer.from(JSON.stringify(rootLogin, null, 2)), origin, options).events.length).toBe(
      1,
    );
    const escaped = JSON.stringify(rootLogin).replace('"Root"', '"\\u0052oot"');
    expect(escaped.includes('Root')).toBe(false);
    const decoded = decodeRecord(Buffer.from(escaped), origin, options);
    expect(decoded.events.map((event) => event.principal?.type)).toEqual(['Root']);
    const slash = JSON.stringify(instanceCall).replace('/i-0abc', '\\/i-0abc');
    expect(decodeRecord(Buffer.from(slash), origin, options).events.map((e) => e.principal?.name)).toEqual([
      'i-0abc12345',
    ]);
  });

  it('tests needles only where every route wanting the action declared some', () => {
    const runWithout = (source: EventSource, action: string): RawNeed | null =>
      source === 'cloudtrail' && action !== 'ec2:RunInstances' ? { needles: ['Root'], changes: false } : null;
    const decoded = [createUser(), runInstances()].map((record) =>
      decodeRecord(text(record), origin, { wants: wantsAll, rawNeed: runWithout }),
    );
    expect(decoded.map((result) => [result.events.length, result.skipped])).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
});

describe('changesOnly routes', () => {
  const changes = { wants: (): boolean => true, rawNeed: () => ({ needles: [], changes: true }) };
  const read = { ...createUser(), eventName: 'ListUsers', readOnly: true };

  it('skip a record marked read-only, and parse a change or a record without the field', () => {
    expect(decodeRecord(text(read), origin, changes).skipped).toBe(1);
    expect(decodeRecord(Buffer.from(JSON.stringify(read, null, 2)), origin, changes).skipped).toBe(1);
    expect(decodeRecord(text({ ...createUser(), readOnly: false }), origin, changes).events.length).toBe(1);
    const { readOnly: _omitted, ...unmarked } = read;
    expect(decodeRecord(text(unmarked), origin, changes).events.length).toBe(1);
  });

  it('parse a change whose request holds its own readOnly: true (ECS mount points), or an odd value', () => {
    const mount = {
      ...createUser(),
      eventSource: 'ecs.amazonaws.com',
      eventName: 'RegisterTaskDefinition',
      readOnly: false,
      requestParameters: { containerDefinitions: [{ mountPoints: [{ readOnly: true }] }] },
    };
    expect(decodeRecord(text(mount), origin, changes).events.length).toBe(1);
    expect(markedReadOnly('{"readOnly":"true"}')).toBe(false);
    expect(markedReadOnly('{"readOnly" :  true}')).toBe(true);
    expect(markedReadOnly('{"readonly":true}')).toBe(false);
  });
});

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
    // Parsed, a numeric eventID would be a dead letter: skipped unparsed, only its time is read.
    const unwanted = createUser({ eventID: 5 });
    expect(decodeRecord(text(unwanted), origin, { wants })).toEqual({
      events: [],
      deadLetters: [],
      ignored: 0,
      skipped: 1,
      skippedTimes: [0, Date.parse(String(unwanted.eventTime))],
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

  it('parses an unwanted record whose time the scan cannot read, so a bad time is still dead-lettered', () => {
    const badTime = decodeRecord(text(createUser({ eventTime: 'not a time' })), origin, { wants });
    expect([badTime.skipped, badTime.deadLetters.map((letter) => letter.reason)]).toEqual([
      0,
      ['timestamp_invalid'],
    ]);
    const twoTimes = JSON.stringify({ ...createUser(), requestParameters: { eventTime: 'x' } });
    expect(decodeRecord(Buffer.from(twoTimes), origin, { wants }).skippedTimes).toEqual([
      0,
      Date.parse(String(createUser().eventTime)),
    ]);
  });

  it('keeps the time of every skipped record and the number of events before it', () => {
    const records = [createUser(), runInstances(), createUser({ eventTime: '2024-05-01T13:00:00Z' })];
    const result = decodeJson(records, origin, { wants });
    expect([result.events.length, result.skippedTimes]).toEqual([
      1,
      [0, Date.parse(String(createUser().eventTime)), 1, Date.parse('2024-05-01T13:00:00Z')],
    ]);
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
