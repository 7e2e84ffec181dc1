import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { peerLabel, securityGroupRules } from './security-group-rules.js';

const call = (action: string, requestParameters: JsonValue, responseElements: JsonValue = null) =>
  testEvent({ id: 'e', time: 0, action, raw: { requestParameters, responseElements } });

const summary = (action: string, requestParameters: JsonValue, responseElements: JsonValue = null) =>
  securityGroupRules(call(action, requestParameters, responseElements)).map(
    (rule) =>
      `${rule.groupId} ${rule.direction} ${rule.exposure.label} ${rule.peer.kind}:${peerLabel(rule.peer)}`,
  );

describe('security group rules, from every shape CloudTrail writes', () => {
  it('reads ipPermissions items with IPv4, IPv6, prefix-list and group peers', () => {
    expect(
      summary('ec2:AuthorizeSecurityGroupIngress', {
        groupId: 'sg-1',
        ipPermissions: {
          items: [
            {
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }, { cidrIp: '10.0.0.0/8' }] },
              ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] },
              prefixListIds: { items: [{ prefixListId: 'pl-63a5400a' }] },
              groups: { items: [{ groupId: 'sg-2', userId: '111122223333' }] },
            },
          ],
        },
      }),
    ).toEqual([
      'sg-1 ingress tcp 22 cidr:0.0.0.0/0',
      'sg-1 ingress tcp 22 cidr:10.0.0.0/8',
      'sg-1 ingress tcp 22 cidr:::/0',
      'sg-1 ingress tcp 22 prefix-list:pl-63a5400a',
      'sg-1 ingress tcp 22 security-group:sg-2',
    ]);
  });

  it('reads the flat legacy form beside an empty ipPermissions', () => {
    expect(
      summary('ec2:AuthorizeSecurityGroupIngress', {
        cidrIp: '208.236.235.254/0',
        fromPort: 22,
        groupId: 'sg-003dc7f1f1c686164',
        ipPermissions: {},
        ipProtocol: 'tcp',
        toPort: 22,
      }),
    ).toEqual(['sg-003dc7f1f1c686164 ingress tcp 22 cidr:208.236.235.254/0']);
    expect(
      summary('ec2:AuthorizeSecurityGroupIngress', { groupName: 'web', sourceSecurityGroupName: 'lb' }),
    ).toEqual(['web ingress all traffic security-group:lb']);
  });

  it('reads egress calls as egress', () => {
    expect(
      summary('ec2:AuthorizeSecurityGroupEgress', {
        groupId: 'sg-3',
        ipPermissions: { items: [{ ipProtocol: '-1', ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] },
      }),
    ).toEqual(['sg-3 egress all traffic cidr:0.0.0.0/0']);
  });

  it('reads ModifySecurityGroupRules with one rule (an object) or several (an array)', () => {
    const rule = (id: string, fields: JsonValue) => ({
      SecurityGroupRuleId: id,
      SecurityGroupRule: fields,
      tag: 1,
    });
    expect(
      summary('ec2:ModifySecurityGroupRules', {
        ModifySecurityGroupRulesRequest: {
          GroupId: 'sg-4',
          SecurityGroupRule: rule('sgr-1', {
            IpProtocol: 'tcp',
            FromPort: 3389,
            ToPort: 3389,
            CidrIpv4: '0.0.0.0/0',
          }),
        },
      }),
    ).toEqual(['sg-4 unknown tcp 3389 cidr:0.0.0.0/0']);
    expect(
      summary('ec2:ModifySecurityGroupRules', {
        ModifySecurityGroupRulesRequest: {
          GroupId: { content: 'sg-5', tag: 1 },
          SecurityGroupRule: [
            rule('sgr-2', { IpProtocol: '-1', CidrIpv6: '::/0' }),
            rule('sgr-3', { IpProtocol: 'tcp', FromPort: '443', ToPort: '443', PrefixListId: 'pl-1' }),
            rule('sgr-4', { IpProtocol: 'tcp' }),
          ],
        },
      }),
    ).toEqual(['sg-5 unknown all traffic cidr:::/0', 'sg-5 unknown tcp 443 prefix-list:pl-1']);
  });

  it('falls back to the rules the response lists as created', () => {
    expect(
      summary(
        'ec2:AuthorizeSecurityGroupIngress',
        {},
        {
          securityGroupRuleSet: {
            items: [
              {
                groupId: 'sg-6',
                ipProtocol: 'tcp',
                fromPort: 5432,
                toPort: 5432,
                cidrIpv4: '0.0.0.0/0',
                isEgress: false,
              },
              { groupId: 'sg-6', ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', isEgress: true },
            ],
          },
        },
      ),
    ).toEqual(['sg-6 ingress tcp 5432 cidr:0.0.0.0/0', 'sg-6 egress all traffic cidr:0.0.0.0/0']);
  });

  it('gives nothing for odd or empty shapes', () => {
    expect(summary('ec2:AuthorizeSecurityGroupIngress', null)).toEqual([]);
    expect(summary('ec2:AuthorizeSecurityGroupIngress', { groupId: 'sg-7', ipPermissions: 'all' })).toEqual(
      [],
    );
    expect(
      summary('ec2:ModifySecurityGroupRules', { ModifySecurityGroupRulesRequest: { SecurityGroupRule: {} } }),
    ).toEqual([]);
    expect(
      summary('ec2:AuthorizeSecurityGroupIngress', { groupId: 'sg-8', ipPermissions: { items: [null, 3] } }),
    ).toEqual([]);
  });
});
