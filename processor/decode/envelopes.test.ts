import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  cloudWatchLogs,
  consoleLogin,
  createUser,
  eventBridge,
  guardDutyFinding,
  runInstances,
} from '../../test/corpus/decode/records.js';
import { decodeJson, decodeRecord } from './index.js';

const origin = { input: 'shard-1', offset: '49590338271490256608559692538361571095921575989136588898' };
const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('CloudTrail envelopes', () => {
  it('decodes a gzipped CloudWatch Logs DATA_MESSAGE with several log events, index = position', () => {
    const envelope = cloudWatchLogs([
      JSON.stringify(runInstances()),
      JSON.stringify(createUser()),
      '{"eventID":',
    ]);
    const result = decodeRecord(gzipSync(bytes(envelope)), origin);
    expect(result.events.map((event) => [event.id, event.action])).toEqual([
      ['ev-run-1', 'ec2:RunInstances'],
      ['ev-user-1', 'iam:CreateUser'],
    ]);
    expect(result.deadLetters).toEqual([
      {
        origin: { ...origin, index: 2 },
        reason: 'json_invalid',
        detail: expect.stringContaining('JSON'),
        head: Buffer.from('{"eventID":').toString('base64'),
      },
    ]);
  });

  it('ignores a CONTROL_MESSAGE and counts it', () => {
    const control = cloudWatchLogs(
      ['CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.'],
      'CONTROL_MESSAGE',
    );
    expect(decodeRecord(gzipSync(bytes(control)), origin)).toEqual({
      events: [],
      deadLetters: [],
      ignored: 1,
      skipped: 0,
      skippedTimes: [],
    });
  });

  it('dead-letters a broken envelope', () => {
    const odd = { messageType: 'DATA_MESSAGE', logEvents: 'none' };
    expect(decodeJson(odd, origin).deadLetters.map((letter) => [letter.reason, letter.detail])).toEqual([
      ['cwl_envelope_invalid', 'logEvents must be an array'],
    ]);
    expect(decodeJson({ messageType: 'SOMETHING', logEvents: [] }, origin).deadLetters[0]?.reason).toBe(
      'cwl_envelope_invalid',
    );
  });

  it('decodes a plain Records log file record, index = position', () => {
    const result = decodeRecord(bytes({ Records: [runInstances(), { eventID: 'x' }, createUser()] }), origin);
    expect(result.events.map((event) => event.id)).toEqual(['ev-run-1', 'ev-user-1']);
    expect(result.deadLetters.map((letter) => [letter.origin.index, letter.reason, letter.detail])).toEqual([
      [1, 'unknown_format', 'not CloudTrail, GuardDuty, a flow record or a known envelope'],
    ]);
  });

  it('unwraps EventBridge "AWS API Call via CloudTrail" and console sign-in events; raw is the CloudTrail record', () => {
    const apiCall = eventBridge('AWS API Call via CloudTrail', 'aws.ec2', runInstances());
    const signIn = eventBridge('AWS Console Sign In via CloudTrail', 'aws.signin', consoleLogin());
    const [run] = decodeRecord(bytes(apiCall), origin).events;
    const [login] = decodeJson(signIn, origin).events;
    expect(run).toEqual(decodeJson(runInstances(), origin).events[0]);
    expect(run?.raw).toEqual(runInstances());
    expect([login?.id, login?.action, login?.principal?.name]).toEqual([
      'ev-login-1',
      'signin:ConsoleLogin',
      'root',
    ]);
  });

  it('reports an EventBridge event of another kind as unknown_format', () => {
    const stateChange = eventBridge('EC2 Instance State-change Notification', 'aws.ec2', {
      'instance-id': 'i-1',
      state: 'running',
    });
    expect(
      decodeJson(stateChange, origin).deadLetters.map((letter) => [letter.reason, letter.detail]),
    ).toEqual([['unknown_format', "EventBridge 'EC2 Instance State-change Notification' from 'aws.ec2'"]]);
  });
});

describe('GuardDuty findings', () => {
  const expected = {
    id: 'gd-ssh-1',
    source: 'guardduty',
    time: Date.UTC(2024, 4, 1, 10, 41, 0, 500),
    account: ACCOUNT,
    region: 'eu-west-1',
    action: 'UnauthorizedAccess:EC2/SSHBruteForce',
    principal: null,
    srcIp: '192.0.2.44',
    userAgent: null,
    errorCode: null,
    readOnly: null,
    resources: [{ type: 'AWS::EC2::Instance', id: 'i-0ccc', account: ACCOUNT }],
    flow: null,
    guardduty: {
      type: 'UnauthorizedAccess:EC2/SSHBruteForce',
      severity: 5,
      title: '192.0.2.44 is performing SSH brute force attacks against i-0ccc.',
      resourceType: 'Instance',
      resourceId: 'i-0ccc',
      actionType: 'NETWORK_CONNECTION',
      remoteIp: '192.0.2.44',
      count: 12,
      firstSeen: Date.UTC(2024, 4, 1, 10, 0),
      lastSeen: Date.UTC(2024, 4, 1, 10, 40),
      archived: false,
    },
    raw: guardDutyFinding(),
  };

  it('decodes a raw finding', () => {
    expect(decodeRecord(bytes(guardDutyFinding()), origin)).toEqual({
      events: [expected],
      deadLetters: [],
      ignored: 0,
      skipped: 0,
      skippedTimes: [],
    });
  });

  it('decodes an EventBridge "GuardDuty Finding" event to the same event', () => {
    const event = eventBridge('GuardDuty Finding', 'aws.guardduty', guardDutyFinding());
    expect(decodeJson(event, origin).events).toEqual([expected]);
  });

  it('reads access-key findings: principal, key and bucket resources', () => {
    const { id: _id, ...finding } = guardDutyFinding({
      type: 'Exfiltration:S3/AnomalousBehavior',
      resource: {
        resourceType: 'AccessKey',
        accessKeyDetails: {
          accessKeyId: 'ASIAKEY',
          userName: 'carol',
          userType: 'IAMUser',
          principalId: 'AIDA1',
        },
        s3BucketDetails: [{ name: 'payroll', type: 'Destination' }],
      },
      service: {
        serviceName: 'guardduty',
        action: {
          actionType: 'AWS_API_CALL',
          awsApiCallAction: { api: 'GetObject', remoteIpDetails: { ipAddressV4: '198.51.100.1' } },
        },
      },
    });
    const [event] = decodeJson(finding, origin).events;
    expect(event).toMatchObject({
      id: 'gd-ssh-1',
      principal: { type: 'IAMUser', name: 'carol', accessKeyId: 'ASIAKEY', arn: null, account: null },
      resources: [
        { type: 'AWS::IAM::AccessKey', id: 'ASIAKEY', account: ACCOUNT },
        { type: 'AWS::S3::Bucket', id: 'payroll', account: ACCOUNT },
      ],
      guardduty: {
        resourceId: 'ASIAKEY',
        actionType: 'AWS_API_CALL',
        remoteIp: '198.51.100.1',
        count: 1,
        firstSeen: null,
      },
    });
  });

  it('dead-letters findings without severity; reads a zone-less updatedAt as UTC', () => {
    const { severity: _severity, ...noSeverity } = guardDutyFinding();
    expect(
      decodeJson(noSeverity, origin).deadLetters.map((letter) => [letter.reason, letter.detail]),
    ).toEqual([['missing_field', 'severity']]);
    const panther = guardDutyFinding({ updatedAt: '2025-02-25 20:40:06.721' });
    expect(decodeJson(panther, origin).events[0]?.time).toBe(Date.UTC(2025, 1, 25, 20, 40, 6, 721));
  });
});

describe('raw records', () => {
  it('dead-letters empty, binary, oversized, corrupt gzip and non-object JSON', () => {
    const cases: [Uint8Array, string[]][] = [
      [new Uint8Array(0), ['empty']],
      [Buffer.from('   \n'), ['empty']],
      [Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]), ['binary']],
      [Buffer.from([0xc3, 0x28]), ['binary']],
      [Buffer.alloc(2048, 0x61), ['too_large']],
      [Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]), ['gzip_truncated']],
      [
        Buffer.from([0x1f, 0x8b, 0x63, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]),
        ['gzip_invalid'],
      ],
      [gzipSync(bytes(runInstances())).subarray(0, 40), ['gzip_truncated']],
      // An array is a batch of records: each element that is not an object is its own dead letter.
      [Buffer.from('[1, 2]'), ['json_not_object', 'json_not_object']],
      [Buffer.from('"just a string"'), ['json_not_object']],
      [Buffer.from('{"a": tru}'), ['json_invalid']],
    ];
    const reasons = cases.map(([data]) =>
      decodeRecord(data, origin, { maxRecordBytes: 1024 }).deadLetters.map((letter) => letter.reason),
    );
    expect(reasons).toEqual(cases.map(([, expected]) => expected));
  });

  it('keeps the first 256 bytes of a bad record as head', () => {
    const data = Buffer.from(`{"broken": "${'x'.repeat(400)}`);
    const [letter] = decodeRecord(data, origin).deadLetters;
    expect(Buffer.from(letter?.head ?? '', 'base64')).toEqual(data.subarray(0, 256));
  });
});
