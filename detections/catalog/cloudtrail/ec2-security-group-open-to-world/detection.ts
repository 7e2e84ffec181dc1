import { filter, map, mergeMap } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { paramReader } from '../../params.js';
import { at, integer, items, request, succeeded, text } from '../record.js';

const ID = 'ec2-security-group-open-to-world';
const WORLD = new Set(['0.0.0.0/0', '::/0']);

export const DEFAULT_PARAMS = { sensitivePorts: [22, 3389] };

/** One ingress rule of an AuthorizeSecurityGroupIngress call whose source is the whole internet. */
interface WorldRule {
  groupId: string;
  protocol: string;
  fromPort: number | null;
  toPort: number | null;
  cidr: string;
}

export const detection: Detection = {
  id: ID,
  title: 'Security group opened to the internet',
  description:
    'An ingress rule allowing 0.0.0.0/0 or ::/0 was added to a security group. Anything listening on those ' +
    'ports becomes reachable from the whole internet; SSH, RDP or all-traffic rules are the usual entry point ' +
    'for brute force and exploitation.',
  severity: 'high',
  mitre: ['T1562.007', 'T1190'],
  tactics: ['defense-evasion', 'initial-access'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  remediation:
    'Revoke the rule (EC2 console → Security Groups → the group → Edit inbound rules, or `aws ec2 ' +
    'revoke-security-group-ingress --group-id <sg> --ip-permissions <rule>`), then re-add it for the CIDRs that ' +
    'need it; reach instances through SSM Session Manager or a VPN instead of public SSH/RDP.',
  routes: [{ source: 'cloudtrail', actions: ['ec2:AuthorizeSecurityGroupIngress'] }],
  operator: ({ params }) => {
    const sensitivePorts = paramReader(ID, params).ports('sensitivePorts', DEFAULT_PARAMS.sensitivePorts);
    return (events) =>
      events.pipe(
        filter(succeeded),
        mergeMap((event) => worldRules(event).map((rule) => ({ event, rule }))),
        map(({ event, rule }) => toFinding(event, rule, sensitivePorts)),
      );
  },
};

function worldRules(event: SecurityEvent): WorldRule[] {
  const groupId = text(request(event, 'groupId')) ?? text(request(event, 'groupName'));
  if (groupId === null) return [];
  return items(request(event, 'ipPermissions')).flatMap((permission) => {
    const cidrs = [
      ...items(at(permission, 'ipRanges')).map((range) => text(at(range, 'cidrIp'))),
      ...items(at(permission, 'ipv6Ranges')).map((range) => text(at(range, 'cidrIpv6'))),
    ].filter((cidr): cidr is string => cidr !== null && WORLD.has(cidr));
    const protocol = (text(at(permission, 'ipProtocol')) ?? '-1').toLowerCase();
    const fromPort = integer(at(permission, 'fromPort'));
    const toPort = integer(at(permission, 'toPort'));
    return cidrs.map((cidr) => ({ groupId, protocol, fromPort, toPort, cidr }));
  });
}

/** All protocols, or TCP/UDP with a port range (absent or -1 = every port). */
function exposedPorts(rule: WorldRule): { all: boolean; from: number; to: number } | null {
  if (rule.protocol === '-1' || rule.protocol === 'all') return { all: true, from: 0, to: 65535 };
  if (!['tcp', 'udp', '6', '17'].includes(rule.protocol)) return null;
  const from = rule.fromPort === null || rule.fromPort < 0 ? 0 : rule.fromPort;
  const to = rule.toPort === null || rule.toPort < 0 ? 65535 : rule.toPort;
  return { all: false, from, to };
}

function portsLabel(rule: WorldRule): string {
  const ports = exposedPorts(rule);
  if (ports === null) return rule.protocol;
  if (ports.all) return 'all traffic';
  if (ports.from === 0 && ports.to === 65535) return `${rule.protocol} all ports`;
  return ports.from === ports.to
    ? `${rule.protocol} ${ports.from}`
    : `${rule.protocol} ${ports.from}-${ports.to}`;
}

function toFinding(event: SecurityEvent, rule: WorldRule, sensitivePorts: readonly number[]) {
  const ports = exposedPorts(rule);
  const sensitive =
    ports === null ? [] : sensitivePorts.filter((port) => port >= ports.from && port <= ports.to);
  const label = portsLabel(rule);
  const range = `${rule.fromPort ?? ''}-${rule.toPort ?? ''}`;
  return buildFinding(detection, {
    key: `${rule.groupId}:${rule.protocol}:${range}:${rule.cidr}`,
    trigger: event,
    severity: ports?.all || sensitive.length > 0 ? 'high' : 'medium',
    title: `Security group ${rule.groupId} opened ${label} to ${rule.cidr}`,
    description:
      `${principalLabel(event) ?? 'An unknown principal'} allowed ${label} from ${rule.cidr} into ${rule.groupId}` +
      (sensitive.length > 0 ? `, exposing admin port(s) ${sensitive.join(', ')} to the internet.` : '.') +
      ' Restrict the source to the networks that need access.',
    resources: [{ type: 'AWS::EC2::SecurityGroup', id: rule.groupId, account: event.account }],
    context: {
      groupId: rule.groupId,
      protocol: rule.protocol,
      fromPort: rule.fromPort === null ? '' : String(rule.fromPort),
      toPort: rule.toPort === null ? '' : String(rule.toPort),
      cidr: rule.cidr,
      sensitivePorts: sensitive.join(','),
      region: event.region ?? '',
    },
  });
}
