import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/events.js';
import { accountExposure, exposureMatch, mergeExposures } from './exposure.js';

const OWN = '111122223333';
const alice = {
  type: 'IAMUser',
  arn: `arn:aws:iam::${OWN}:user/alice`,
  name: 'alice',
  account: OWN,
  sessionIssuer: null,
  mfa: null,
  accessKeyId: null,
};
const ami = { label: 'AMI ami-1', type: 'AWS::EC2::Image', id: 'ami-1', through: 'launch permission' };

describe('accountExposure', () => {
  it('reads `all` as public and keeps accounts outside the own and trusted ones', () => {
    expect(
      accountExposure(['all', '999988887777', OWN, '444455556666', ' ALL '], OWN, ['444455556666']),
    ).toEqual({ public: true, outside: ['999988887777'] });
  });

  it('ignores values that are not accounts', () => {
    expect(accountExposure(['bob', 'not-all', '', '12345'], OWN, [])).toEqual({ public: false, outside: [] });
  });

  it('merges exposures without duplicates', () => {
    expect(mergeExposures({ public: false, outside: ['2', '1'] }, { public: true, outside: ['1'] })).toEqual({
      public: true,
      outside: ['1', '2'],
    });
  });
});

describe('exposureMatch', () => {
  const event = testEvent({ id: 'e', time: 0, principal: alice });

  it('is critical when public, high when shared, and null when nothing is exposed', () => {
    const made = exposureMatch(event, ami, { public: true, outside: [] });
    expect([made?.title, made?.severity, made?.context?.exposedTo]).toEqual([
      `AMI ami-1 made public by ${alice.arn}`,
      'critical',
      'everyone',
    ]);
    const shared = exposureMatch(event, ami, { public: false, outside: ['999988887777'] });
    expect([shared?.title, shared?.severity]).toEqual([
      `AMI ami-1 shared with account 999988887777 by ${alice.arn}`,
      'high',
    ]);
    expect(exposureMatch(event, ami, { public: false, outside: [] })).toBeNull();
  });
});
