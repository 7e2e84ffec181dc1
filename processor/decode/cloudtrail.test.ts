import { describe, expect, it } from 'vitest';
import { ACCOUNT, consoleLogin, createUser, runInstances } from '../../test/corpus/decode/records.js';
import { decodeJson } from './index.js';

const origin = { input: 'test', offset: '0' };

describe('CloudTrail records', () => {
  it('normalises an assumed-role RunInstances call field by field', () => {
    const record = runInstances();
    const { events, deadLetters, ignored, skipped } = decodeJson(record, origin);
    expect({ deadLetters, ignored, skipped }).toEqual({ deadLetters: [], ignored: 0, skipped: 0 });
    expect(events).toEqual([
      {
        id: 'ev-run-1',
        source: 'cloudtrail',
        time: Date.UTC(2024, 4, 1, 12, 0, 0),
        account: ACCOUNT,
        region: 'eu-west-1',
        action: 'ec2:RunInstances',
        principal: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/alice`,
          name: 'alice',
          account: ACCOUNT,
          sessionIssuer: `arn:aws:iam::${ACCOUNT}:role/Deployer`,
          mfa: false,
          accessKeyId: 'ASIAEXAMPLE1',
        },
        srcIp: '203.0.113.7',
        userAgent: 'aws-cli/2.15.0',
        errorCode: null,
        readOnly: false,
        resources: [
          { type: 'AWS::EC2::Instance', id: 'i-0aaa', account: ACCOUNT },
          { type: 'AWS::EC2::Instance', id: 'i-0bbb', account: ACCOUNT },
        ],
        flow: null,
        guardduty: null,
        raw: record,
      },
    ]);
  });

  it('names root "root" and reads console MFA from additionalEventData', () => {
    const [event] = decodeJson(consoleLogin(), origin).events;
    expect(event?.action).toBe('signin:ConsoleLogin');
    expect(event?.principal).toEqual({
      type: 'Root',
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      name: 'root',
      account: ACCOUNT,
      sessionIssuer: null,
      mfa: false,
      accessKeyId: null,
    });
    const [withMfa] = decodeJson(consoleLogin({ additionalEventData: { MFAUsed: 'Yes' } }), origin).events;
    expect(withMfa?.principal?.mfa).toBe(true);
  });

  it('keeps an IAM user name, error code, milliseconds, and no srcIp for a service caller', () => {
    const [event] = decodeJson(createUser(), origin).events;
    expect(event).toMatchObject({
      time: Date.UTC(2024, 4, 1, 9, 0, 0, 123),
      action: 'iam:CreateUser',
      errorCode: 'AccessDenied',
      srcIp: null,
      principal: { type: 'IAMUser', name: 'bob', mfa: null, accessKeyId: 'AKIAEXAMPLE2' },
      resources: [{ type: 'AWS::IAM::User', id: 'mallory', account: ACCOUNT }],
    });
  });

  it('lists resources[] ARNs and ids named in security group, role and tag calls', () => {
    const record = runInstances({
      eventName: 'AuthorizeSecurityGroupIngress',
      resources: [
        {
          ARN: 'arn:aws:ec2:eu-west-1:444455556666:security-group/sg-1',
          type: 'AWS::EC2::SecurityGroup',
          accountId: '444455556666',
        },
      ],
      requestParameters: {
        groupId: 'sg-1',
        resourcesSet: { items: [{ resourceId: 'i-0eee' }, { resourceId: 'sg-2' }] },
      },
      responseElements: { role: { arn: `arn:aws:iam::${ACCOUNT}:role/New` } },
    });
    expect(decodeJson(record, origin).events[0]?.resources).toEqual([
      {
        type: 'AWS::EC2::SecurityGroup',
        id: 'arn:aws:ec2:eu-west-1:444455556666:security-group/sg-1',
        account: '444455556666',
      },
      { type: 'AWS::EC2::Instance', id: 'i-0eee', account: ACCOUNT },
      { type: 'AWS::EC2::SecurityGroup', id: 'sg-2', account: ACCOUNT },
      { type: 'AWS::EC2::SecurityGroup', id: 'sg-1', account: ACCOUNT },
      { type: 'AWS::IAM::Role', id: `arn:aws:iam::${ACCOUNT}:role/New`, account: ACCOUNT },
    ]);
  });

  it('dead-letters missing and mistyped required fields, naming them', () => {
    const { eventTime: _time, eventSource: _source, ...missing } = runInstances();
    expect(decodeJson(missing, origin).deadLetters.map(({ reason, detail }) => ({ reason, detail }))).toEqual(
      [{ reason: 'missing_field', detail: 'eventTime, eventSource' }],
    );
    expect(decodeJson(runInstances({ eventID: 7 }), origin).deadLetters[0]?.reason).toBe('invalid_field');
    expect(decodeJson(runInstances({ eventName: 42 }), origin).deadLetters[0]).toMatchObject({
      reason: 'invalid_field',
      detail: 'eventName must be a non-empty string',
      origin,
    });
  });

  it("reads Athena's lower-cased records in AWS's casing, JSON text columns parsed", () => {
    const event = decodeJson(
      {
        eventversion: '1.08',
        eventtime: '2023-01-10 23:10:06',
        eventsource: 'iam.amazonaws.com',
        eventname: 'CreateUser',
        awsregion: 'us-east-1',
        sourceipaddress: '198.51.100.7',
        eventid: 'athena-1',
        recipientaccountid: '111122223333',
        useridentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::111122223333:assumed-role/admin/alice',
          sessioncontext: { sessionissuer: { arn: 'arn:aws:iam::111122223333:role/admin' } },
        },
        requestparameters: '{"userName":"backdoor"}',
        responseelements: 'not json',
      },
      origin,
    ).events[0];
    expect(event).toMatchObject({
      id: 'athena-1',
      time: Date.UTC(2023, 0, 10, 23, 10, 6),
      action: 'iam:CreateUser',
      account: '111122223333',
      srcIp: '198.51.100.7',
      principal: { type: 'AssumedRole', sessionIssuer: 'arn:aws:iam::111122223333:role/admin' },
    });
    expect(event?.raw).toMatchObject({
      requestParameters: { userName: 'backdoor' },
      responseElements: 'not json',
    });
  });

  it('reads an empty errorCode, as some exports write on successful calls, as no error', () => {
    expect(decodeJson(runInstances({ errorCode: '' }), origin).events[0]?.errorCode).toBeNull();
    expect(decodeJson(runInstances({ errorCode: 'AccessDenied' }), origin).events[0]?.errorCode).toBe(
      'AccessDenied',
    );
  });

  it('gives a record without eventID a stable id derived from its content', () => {
    const { eventID: _id, ...trimmed } = runInstances();
    const first = decodeJson(trimmed, origin).events[0];
    expect(first?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(decodeJson(structuredClone(trimmed), origin).events[0]?.id).toBe(first?.id);
    expect(decodeJson({ ...trimmed, sourceIPAddress: '192.0.2.99' }, origin).events[0]?.id).not.toBe(
      first?.id,
    );
  });

  it('drops the API version from event names, keeping the raw name in the record', () => {
    const names: [string, string, string][] = [
      ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', 'lambda:UpdateFunctionCode'],
      ['lambda.amazonaws.com', 'CreateFunction20150331', 'lambda:CreateFunction'],
      ['lambda.amazonaws.com', 'PublishLayerVersion20181031', 'lambda:PublishLayerVersion'],
      ['lambda.amazonaws.com', 'AddPermission20150331v2', 'lambda:AddPermission'],
      ['cloudfront.amazonaws.com', 'UpdateDistribution2020_05_31', 'cloudfront:UpdateDistribution'],
      ['ec2.amazonaws.com', 'RunInstances', 'ec2:RunInstances'],
      ['s3.amazonaws.com', 'PutBucketPolicy', 's3:PutBucketPolicy'],
      ['AWS Internal', 'SomethingInternal', 'AWS Internal:SomethingInternal'],
    ];
    for (const [eventSource, eventName, action] of names) {
      const event = decodeJson(runInstances({ eventSource, eventName }), origin).events[0];
      expect(event?.action).toBe(action);
      expect(event?.raw).toMatchObject({ eventName });
    }
  });

  it('reads event times in UTC, without a zone as UTC, with an offset converted', () => {
    const times = [
      '2024-05-01T12:00:00+00:00',
      '2024-05-01T14:00:00+02:00',
      '2024-05-01 12:00:00',
      'yesterday',
    ].map((eventTime) => {
      const result = decodeJson(runInstances({ eventTime }), origin);
      return result.events[0]?.time ?? result.deadLetters[0]?.reason;
    });
    const noon = Date.UTC(2024, 4, 1, 12);
    expect(times).toEqual([noon, noon, noon, 'timestamp_invalid']);
  });
});
