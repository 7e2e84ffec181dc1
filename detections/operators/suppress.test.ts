import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Principal, SecurityEvent } from '../../schemas/types.js';
import { type AllowRule, InvalidAllowRuleError } from './allow-rule.js';
import { suppress } from './suppress.js';
import { at } from './test-items.js';

const principal = (overrides: Partial<Principal>): Principal => ({
  type: 'AssumedRole',
  arn: null,
  name: null,
  account: null,
  sessionIssuer: null,
  mfa: null,
  accessKeyId: null,
  ...overrides,
});

async function kept(
  rules: AllowRule[],
  events: SecurityEvent[],
  tags: Record<string, Record<string, string>> = {},
) {
  const suppressed: string[] = [];
  const out = await lastValueFrom(
    from(events).pipe(
      suppress({
        rules,
        tagsOf: (e) => tags[e.id] ?? {},
        onSuppressed: (e, rule) => suppressed.push(`${e.id}:${rule.reason}`),
      }),
      toArray(),
    ),
  );
  return { kept: out.map((e) => e.id), suppressed };
}

describe('suppress', () => {
  it('drops events matching every condition of a rule and reports the rule', async () => {
    const events = [
      at('e1', '111122223333', 0, {
        principal: principal({ sessionIssuer: 'arn:aws:iam::111122223333:role/ci-build' }),
      }),
      at('e2', '444455556666', 0, {
        principal: principal({ sessionIssuer: 'arn:aws:iam::444455556666:role/ci-build' }),
      }),
      at('e3', '111122223333', 0, {
        principal: principal({ arn: 'arn:aws:iam::111122223333:user/alice', name: 'alice' }),
      }),
      at('e4', '111122223333', 0, { principal: principal({ name: 'CI-runner' }) }), // globs are case-sensitive
    ];
    const rules = [
      { reason: 'CI', accounts: ['111122223333'], principals: ['arn:aws:iam::*:role/ci-*', 'ci-*'] },
    ];
    expect(await kept(rules, events)).toEqual({ kept: ['e2', 'e3', 'e4'], suppressed: ['e1:CI'] });
  });

  it('matches source addresses in IPv4 and IPv6 CIDRs, and flow records by srcAddr', async () => {
    const flow = at('e4', 'a', 0, { source: 'flowlog', srcIp: null });
    const events = [
      at('e1', 'a', 0, { srcIp: '10.1.2.3' }),
      at('e2', 'a', 0, { srcIp: '2001:db8::5' }),
      at('e3', 'a', 0, { srcIp: 'ec2.amazonaws.com' }), // service principal, not an address
      { ...flow, flow: { ...(at('x', 'a', 0).flow ?? {}), srcAddr: '192.0.2.9' } as SecurityEvent['flow'] },
      at('e5', 'a', 0, { srcIp: '11.0.0.1' }),
    ];
    const rules = [{ reason: 'internal', cidrs: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.9'] }];
    expect((await kept(rules, events)).kept).toEqual(['e3', 'e5']);
  });

  it('matches tags of the instances the event is about, and applies only before expires', async () => {
    const events = [at('e1', 'a', 0), at('e2', 'a', 0), at('e3', 'a', 60 * 24 * 365 * 60)];
    const tags = { e1: { env: 'sandbox', team: 'x' }, e2: { env: 'prod' }, e3: { env: 'sandbox' } };
    const rules = [{ reason: 'sandbox', tags: { env: 'sandbox' }, expires: '2000-01-01T00:00:00Z' }];
    expect(await kept(rules, events, tags)).toEqual({ kept: ['e2', 'e3'], suppressed: ['e1:sandbox'] });
  });

  it('rejects invalid rules with the path of the problem', () => {
    const cases: [AllowRule, string][] = [
      [{ reason: 'everything' }, 'allowList[1]'],
      [{ reason: 'only expiry', expires: '2030-01-01T00:00:00Z' }, 'allowList[1]'],
      [{ reason: 'bad cidr', cidrs: ['10.0.0.0/8', '10.0.0.0/33'] }, 'allowList[1].cidrs[1]'],
      [{ reason: 'bad cidr', cidrs: ['ten/8'] }, 'allowList[1].cidrs[0]'],
      [{ reason: 'local time', accounts: ['1'], expires: '2030-01-01T00:00:00' }, 'allowList[1].expires'],
      [{ reason: 'empty', accounts: [] }, 'allowList[1].accounts'],
      [{ reason: 'empty tags', tags: {} }, 'allowList[1].tags'],
    ];
    for (const [rule, path] of cases) {
      let thrown: unknown;
      try {
        suppress({ rules: [{ reason: 'ok', accounts: ['1'] }, rule] });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidAllowRuleError);
      expect((thrown as InvalidAllowRuleError).path).toBe(path);
    }
  });

  it('accepts a rule scoped only by detections (the pipeline applies that scope)', () => {
    expect(() => suppress({ rules: [{ reason: 'mute', detections: ['x'] }] })).not.toThrow();
  });
});
