import { describe, expect, it } from 'vitest';
import { isAdminPolicyArn, isAdminPolicyDocument } from './admin-grant.js';
import { globMatcher } from './glob.js';

describe('admin grants', () => {
  it('recognise the AWS admin-equivalent managed policies in any partition, and configured ones', () => {
    const none = globMatcher([]);
    expect(isAdminPolicyArn('arn:aws:iam::aws:policy/AdministratorAccess', none)).toBe(true);
    expect(isAdminPolicyArn('arn:aws-us-gov:iam::aws:policy/IAMFullAccess', none)).toBe(true);
    expect(isAdminPolicyArn('arn:aws:iam::aws:policy/ReadOnlyAccess', none)).toBe(false);
    expect(isAdminPolicyArn('arn:aws:iam::aws:policy/AdministratorAccess-Amplify', none)).toBe(false);
    expect(isAdminPolicyArn('arn:aws:iam::111122223333:policy/AdministratorAccess', none)).toBe(false);
    const custom = globMatcher(['arn:aws:iam::*:policy/break-glass-*']);
    expect(isAdminPolicyArn('arn:aws:iam::111122223333:policy/break-glass-admin', custom)).toBe(true);
  });

  it('recognise inline documents allowing everything, URL-encoded or not', () => {
    const admin = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
    expect(isAdminPolicyDocument(admin)).toBe(true);
    expect(isAdminPolicyDocument(encodeURIComponent(admin))).toBe(true);
    expect(isAdminPolicyDocument('{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}')).toBe(
      false,
    );
    expect(isAdminPolicyDocument(null)).toBe(false);
    expect(isAdminPolicyDocument('not json')).toBe(false);
  });
});
