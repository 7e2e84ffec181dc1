import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../schemas/types.js';
import { policyExposure } from './policy-exposure.js';

const OWN = '111122223333';
const allow = (principal?: JsonValue, condition?: JsonValue, extra: Record<string, JsonValue> = {}) =>
  ({
    Effect: 'Allow',
    ...(principal === undefined ? {} : { Principal: principal }),
    Action: 's3:GetObject',
    Resource: '*',
    ...(condition ? { Condition: condition } : {}),
    ...extra,
  }) as JsonValue;
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('policyExposure', () => {
  it('is public for `*` in every spelling, parsed or as a string, and for NotPrincipal', () => {
    for (const principal of <JsonValue[]>['*', { AWS: '*' }, { AWS: ['*'] }]) {
      expect(policyExposure(policy(allow(principal)), OWN, [])).toEqual({ public: true, outside: [] });
    }
    expect(policyExposure({ Statement: allow({ AWS: '*' }) }, OWN, [])).toEqual({
      public: true,
      outside: [],
    });
    const notPrincipal = allow(undefined, undefined, { NotPrincipal: { AWS: `arn:aws:iam::${OWN}:root` } });
    expect(policyExposure(policy(notPrincipal), OWN, []).public).toBe(true);
  });

  it('lists principals of other accounts, leaving out the own and trusted ones and service principals', () => {
    const document = policy(
      allow({ AWS: ['arn:aws:iam::999988887777:root', `arn:aws:iam::${OWN}:role/app`, '444455556666'] }),
      allow({ Service: 'cloudtrail.amazonaws.com' }),
    );
    expect(policyExposure(document, OWN, ['444455556666'])).toEqual({
      public: false,
      outside: ['arn:aws:iam::999988887777:root'],
    });
  });

  it('is not public when a positive condition narrows `*` to an organization, a network or identities', () => {
    for (const condition of <JsonValue[]>[
      { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
      { StringLike: { 'aws:SourceVpc': 'vpc-*' } },
      { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '172.16.0.0/12'] } },
      { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::my-bucket' } },
      { StringEquals: { 'AWS:SourceAccount': OWN } },
    ]) {
      expect(policyExposure(policy(allow('*', condition)), OWN, [])).toEqual({ public: false, outside: [] });
    }
  });

  it('stays public when the condition does not narrow who may call', () => {
    for (const condition of <JsonValue[]>[
      { Bool: { 'aws:SecureTransport': 'true' } },
      { StringNotEquals: { 'aws:PrincipalAccount': OWN } },
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } },
      { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abc123' } },
      { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
      { IpAddress: { 'aws:SourceIp': '::/00' } },
      { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' } },
    ]) {
      expect(policyExposure(policy(allow('*', condition)), OWN, []).public, JSON.stringify(condition)).toBe(
        true,
      );
    }
  });

  it('shares with the accounts a condition limits `*` to', () => {
    expect(
      policyExposure(
        policy(allow('*', { StringEquals: { 'aws:PrincipalAccount': '999988887777' } })),
        OWN,
        [],
      ),
    ).toEqual({ public: false, outside: ['999988887777'] });
    expect(
      policyExposure(
        policy(allow('*', { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:999988887777:topic' } })),
        OWN,
        [],
      ),
    ).toEqual({ public: false, outside: ['999988887777'] });
  });

  it('takes the worst statement: one unconditioned `*` among narrowed ones is public', () => {
    const document = policy(
      allow('*', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }),
      allow('*'),
      allow('*', undefined, { Effect: 'Deny' }),
    );
    expect(policyExposure(document, OWN, []).public).toBe(true);
  });

  it('gives no exposure for junk, empty or denying documents', () => {
    for (const document of [
      'invalid-json-policy',
      '',
      null,
      undefined,
      42,
      policy({ Effect: 'Deny', Principal: '*' }),
    ]) {
      expect(policyExposure(document as never, OWN, [])).toEqual({ public: false, outside: [] });
    }
    expect(policyExposure(policy(allow({ AWS: [1, null] })), OWN, [])).toEqual({
      public: false,
      outside: [],
    });
  });
});
