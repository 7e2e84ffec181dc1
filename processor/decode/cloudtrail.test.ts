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
    const { eventTime: _time, eventID: _id, ...missing } = runInstances();
    expect(decodeJson(missing, origin).deadLetters.map(({ reason, detail }) => ({ reason, detail }))).toEqual(
      [{ reason: 'missing_field', detail: 'eventTime, eventID' }],
    );
    expect(decodeJson(runInstances({ eventName: 42 }), origin).deadLetters[0]).toMatchObject({
      reason: 'invalid_field',
      detail: 'eventName must be a non-empty string',
      origin,
    });
  });

  it('accepts only UTC event times', () => {
    const reasons = [
      '2024-05-01T12:00:00+00:00',
      '2024-05-01T12:00:00+02:00',
      '2024-05-01T12:00:00',
      'yesterday',
    ].map((eventTime) => {
      const result = decodeJson(runInstances({ eventTime }), origin);
      return result.events.length === 1 ? 'ok' : result.deadLetters[0]?.reason;
    });
    expect(reasons).toEqual(['ok', 'timestamp_not_utc', 'timestamp_not_utc', 'timestamp_invalid']);
  });
});
