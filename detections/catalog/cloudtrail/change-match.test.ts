import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/events.js';
import { changeMatch, regionalId } from './change-match.js';

describe('findings of configuration changes', () => {
  const event = testEvent({
    id: 'e',
    time: 0,
    action: 'macie2:UpdateMacieSession',
    principal: {
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/eve',
      name: 'eve',
      account: '111122223333',
      sessionIssuer: null,
      mfa: null,
      accessKeyId: null,
    },
  });

  it('titles the change by subject and actor, keyed by account, region and resource', () => {
    expect(
      changeMatch(event, {
        subject: 'Macie in us-east-1',
        what: 'Macie paused',
        severity: 'high',
        resource: { type: 'AWS::Macie::Session', id: regionalId(event) },
        impact: 'Sensitive data is no longer found.',
        context: { status: 'PAUSED' },
      }),
    ).toEqual({
      key: '111122223333:us-east-1:111122223333/us-east-1',
      severity: 'high',
      title: 'Macie in us-east-1: Macie paused by arn:aws:iam::111122223333:user/eve',
      description:
        'arn:aws:iam::111122223333:user/eve called macie2:UpdateMacieSession in us-east-1: Macie paused. Sensitive data is no longer found.',
      resources: [{ type: 'AWS::Macie::Session', id: '111122223333/us-east-1', account: '111122223333' }],
      context: { change: 'Macie paused', target: '111122223333/us-east-1', status: 'PAUSED' },
    });
  });

  it('gives no match for no change', () => {
    expect(changeMatch(event, null)).toBeNull();
  });

  it('leaves severity to the detection and the subject out when not given', () => {
    const match = changeMatch(testEvent({ id: 'e', time: 0, region: null, account: null }), {
      what: 'WAF web ACL acl-1 deleted',
      resource: { type: 'AWS::WAFv2::WebACL', id: 'acl-1' },
    });
    expect(match?.severity).toBeUndefined();
    expect(match?.title).toBe('WAF web ACL acl-1 deleted by an unknown principal');
    expect(match?.description).toBe(
      'an unknown principal called ec2:RunInstances in an unknown region: WAF web ACL acl-1 deleted.',
    );
  });
});
