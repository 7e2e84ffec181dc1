import { describe, expect, it } from 'vitest';
import { allowedPrincipals, allowsEverything, outsidePrincipals } from './policy-document.js';

const allowAll = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}';

describe('allowsEverything', () => {
  it('is true for Allow * on *, as an object, in a list, or URL-encoded', () => {
    expect(allowsEverything(allowAll)).toBe(true);
    expect(
      allowsEverything('{"Statement":[{"Effect":"Allow","Action":["s3:*","*"],"Resource":["*"]}]}'),
    ).toBe(true);
    expect(allowsEverything(encodeURIComponent(allowAll))).toBe(true);
  });

  it('is false for scoped, denying or unparsable documents', () => {
    expect(allowsEverything('{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}')).toBe(false);
    expect(allowsEverything('{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}')).toBe(false);
    expect(
      allowsEverything('{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/*"}]}'),
    ).toBe(false);
    expect(allowsEverything('%E0%A4%A')).toBe(false);
    expect(allowsEverything('{}')).toBe(false);
  });
});

describe('allowedPrincipals and outsidePrincipals', () => {
  const trust = (principal: unknown, condition?: unknown) =>
    JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: principal,
          Action: 'sts:AssumeRole',
          ...(condition ? { Condition: condition } : {}),
        },
      ],
    });

  it('lists every principal kind, single values and lists, `*` as an AWS principal', () => {
    expect(
      allowedPrincipals(
        trust({ AWS: ['arn:aws:iam::999988887777:root', '111122223333'], Service: 'ec2.amazonaws.com' }),
      ),
    ).toEqual([
      { kind: 'AWS', value: 'arn:aws:iam::999988887777:root', conditioned: false },
      { kind: 'AWS', value: '111122223333', conditioned: false },
      { kind: 'Service', value: 'ec2.amazonaws.com', conditioned: false },
    ]);
    expect(allowedPrincipals(trust('*'))).toEqual([{ kind: 'AWS', value: '*', conditioned: false }]);
  });

  it('reads parsed (S3) and URL-encoded (IAM) documents; Deny statements and junk give nothing', () => {
    const document = { Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject' } };
    expect(allowedPrincipals(document)).toEqual([{ kind: 'AWS', value: '*', conditioned: false }]);
    expect(allowedPrincipals(encodeURIComponent(trust({ AWS: '999988887777' })))).toHaveLength(1);
    expect(allowedPrincipals(JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*' }] }))).toEqual(
      [],
    );
    expect(allowedPrincipals('{"Statement":[{"Effect":"Allow","Principal":{"AWS":[1,null]}}]}')).toEqual([]);
    expect(allowedPrincipals('%%%')).toEqual([]);
  });

  it('keeps principals of other, untrusted accounts and unconditioned `*`', () => {
    const own = '111122223333';
    expect(
      outsidePrincipals(
        trust({
          AWS: [
            'arn:aws:iam::111122223333:role/ci',
            'arn:aws:iam::999988887777:root',
            '444455556666',
            'arn:aws:sts::222233334444:assumed-role/x/y',
          ],
        }),
        own,
        ['444455556666'],
      ),
    ).toEqual(['arn:aws:iam::999988887777:root', 'arn:aws:sts::222233334444:assumed-role/x/y']);
    expect(outsidePrincipals(trust({ AWS: '*' }), own, [])).toEqual(['*']);
    expect(
      outsidePrincipals(trust({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } }), own, []),
    ).toEqual([]);
    expect(outsidePrincipals(trust({ Service: 'lambda.amazonaws.com' }), own, [])).toEqual([]);
  });
});
