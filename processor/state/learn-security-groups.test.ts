import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../schemas/types.js';
import { cloudTrailEvent, testCache } from './cloudtrail-test-event.js';

/** Shaped like the console's AuthorizeSecurityGroupIngress record (Panther corpus, AWS.EC2.ManualSecurityGroupChange). */
function ingress(action: 'Authorize' | 'Revoke', permissions: JsonObject[]) {
  return cloudTrailEvent(`ec2:${action}SecurityGroupIngress`, {
    eventName: `${action}SecurityGroupIngress`,
    requestParameters: { groupId: 'sg-04f0b44316f7d2471', ipPermissions: { items: permissions } },
    responseElements: { _return: true, requestId: '91f34d65-513d-4e9f-a3de-e8d27f7ee4b2' },
  });
}

const SSH_FROM_ANYWHERE: JsonObject = {
  ipProtocol: 'tcp',
  fromPort: 22,
  toPort: 22,
  groups: {},
  prefixListIds: {},
  ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }, { cidrIp: '10.0.0.0/8' }] },
  ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] },
};
const HTTPS_PORTS_AS_STRINGS: JsonObject = {
  ipProtocol: 'tcp',
  fromPort: '443',
  toPort: '443',
  ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
  ipv6Ranges: {},
};

describe('security groups', () => {
  it('keeps only the ingress rules open to the world', () => {
    const { state } = testCache();
    state.apply(ingress('Authorize', [SSH_FROM_ANYWHERE, HTTPS_PORTS_AS_STRINGS]));
    expect(state.securityGroup('sg-04f0b44316f7d2471')).toEqual({
      id: 'sg-04f0b44316f7d2471',
      account: '123456789012',
      region: 'us-west-2',
      openIngress: [
        { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' },
        { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '::/0' },
        { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' },
      ],
    });
  });

  it('reads the whole internet by its prefix, not its spelling', () => {
    const { state } = testCache();
    const oddlyWritten: JsonObject = {
      ipProtocol: 'tcp',
      fromPort: 3389,
      toPort: 3389,
      ipRanges: {
        items: [{ cidrIp: '000.000.000.000/0' }, { cidrIp: '10.1.2.3/00' }, { cidrIp: '0.0.0.0/1' }],
      },
      ipv6Ranges: { items: [{ cidrIpv6: '0::0/0' }] },
    };
    state.apply(ingress('Authorize', [oddlyWritten]));
    expect(state.securityGroup('sg-04f0b44316f7d2471')?.openIngress.map((rule) => rule.cidr)).toEqual([
      '000.000.000.000/0',
      '10.1.2.3/00',
      '0::0/0',
    ]);
  });

  it('does not duplicate a rule authorized twice and forgets revoked rules', () => {
    const { state } = testCache();
    state.apply(ingress('Authorize', [SSH_FROM_ANYWHERE]));
    state.apply(ingress('Authorize', [SSH_FROM_ANYWHERE, HTTPS_PORTS_AS_STRINGS]));
    expect(state.securityGroup('sg-04f0b44316f7d2471')?.openIngress).toHaveLength(3);
    state.apply(ingress('Revoke', [SSH_FROM_ANYWHERE]));
    expect(state.securityGroup('sg-04f0b44316f7d2471')?.openIngress).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' },
    ]);
  });

  it('knows a group whose rules are all private, with no open ingress', () => {
    const { state } = testCache();
    state.apply(
      ingress('Authorize', [{ ipProtocol: '-1', ipRanges: { items: [{ cidrIp: '0.0.0.0/16' }] } }]),
    );
    expect(state.securityGroup('sg-04f0b44316f7d2471')?.openIngress).toEqual([]);
  });

  it('reads the legacy flat request form', () => {
    const { state } = testCache();
    state.apply(
      cloudTrailEvent('ec2:AuthorizeSecurityGroupIngress', {
        requestParameters: {
          groupId: 'sg-1',
          ipProtocol: 'tcp',
          fromPort: 3389,
          toPort: 3389,
          cidrIp: '0.0.0.0/0',
        },
      }),
    );
    expect(state.securityGroup('sg-1')?.openIngress).toEqual([
      { protocol: 'tcp', fromPort: 3389, toPort: 3389, cidr: '0.0.0.0/0' },
    ]);
  });

  it('forgets a deleted group', () => {
    const { state } = testCache();
    state.apply(ingress('Authorize', [SSH_FROM_ANYWHERE]));
    state.apply(
      cloudTrailEvent('ec2:DeleteSecurityGroup', { requestParameters: { groupId: 'sg-04f0b44316f7d2471' } }),
    );
    expect(state.securityGroup('sg-04f0b44316f7d2471')).toBeUndefined();
  });
});
