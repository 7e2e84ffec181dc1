import type { Severity } from '../../../../schemas/types.js';
import { isInternetWide, rangeLabel } from '../../cidr.js';
import { ADMIN_PORTS } from '../admin-ports.js';
import { exposedPorts, onlyPorts, type PortExposure } from '../port-exposure.js';
import { actor, cloudTrailRule } from '../rule.js';
import { type SecurityGroupRule, securityGroupRules } from '../security-group-rules.js';

export const DEFAULT_PARAMS = { sensitivePorts: ADMIN_PORTS, webPorts: [80, 443] };

export const detection = cloudTrailRule({
  id: 'ec2-security-group-open-to-world',
  title: 'Security group opened to the internet',
  description:
    'An ingress rule lets in the whole internet (any range with prefix /0, IPv4 or IPv6, however written) or a ' +
    'large part of it (a /1 to /4, as attackers split 0.0.0.0/0 to slip past string checks), from ' +
    'AuthorizeSecurityGroupIngress in its item-list or older flat form, or from ModifySecurityGroupRules. ' +
    'Admin and database ports or all traffic are high (the usual entry point for brute force and exploitation), ' +
    'other ports medium, web ports only (80/443) low. A rewritten rule of unknown direction allowing all traffic ' +
    'is medium: it may be the default egress rule.',
  severity: 'high',
  mitre: ['T1562.007', 'T1190'],
  tactics: ['defense-evasion', 'initial-access'],
  failedCalls: 'ignored',
  stratus: ['aws.exfiltration.ec2-security-group-open-port-22-ingress'],
  runbook: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  remediation:
    'Revoke the rule (EC2 console → Security Groups → the group → Edit inbound rules, or `aws ec2 ' +
    'revoke-security-group-ingress --group-id <sg> --security-group-rule-ids <sgr>`), then add it back for the ' +
    'networks that need it; reach instances through SSM Session Manager or a VPN instead of public SSH/RDP, and ' +
    'flag public ingress with AWS Config rule `restricted-ssh` / `vpc-sg-open-only-to-authorized-ports`.',
  actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:ModifySecurityGroupRules'],
  settings: (read) => ({
    sensitivePorts: read.ports('sensitivePorts', DEFAULT_PARAMS.sensitivePorts),
    webPorts: read.ports('webPorts', DEFAULT_PARAMS.webPorts),
  }),
  match: (event, settings) =>
    securityGroupRules(event)
      .filter((rule) => rule.direction !== 'egress')
      .flatMap((rule) => {
        if (rule.peer.kind !== 'cidr' || rule.peer.range === null || !isInternetWide(rule.peer.range))
          return [];
        const source = rangeLabel(rule.peer.range);
        const sensitive = exposedPorts(rule.exposure, settings.sensitivePorts);
        const severity = severityOf(rule, sensitive, settings.webPorts);
        const who = actor(event);
        const what = rule.direction === 'unknown' ? 'a rule changed to allow' : 'opened';
        return [
          {
            key: `${rule.groupId}:${rule.exposure.label}:${rule.peer.text}`,
            severity,
            title: `Security group ${rule.groupId} ${what} ${rule.exposure.label} from ${source} by ${who}`,
            description:
              `${who} let ${rule.exposure.label} in from ${source} on ${rule.groupId}` +
              (sensitive.length > 0
                ? `, exposing admin port(s) ${sensitive.join(', ')} to the internet.`
                : '.') +
              ' Restrict the source to the networks that need access.',
            resources: [{ type: 'AWS::EC2::SecurityGroup', id: rule.groupId, account: event.account }],
            context: {
              groupId: rule.groupId,
              direction: rule.direction,
              protocol: rule.exposure.protocol,
              ports: portsText(rule.exposure),
              cidr: rule.peer.text,
              reach: rule.peer.range.reach,
              sensitivePorts: sensitive.join(','),
            },
          },
        ];
      }),
});

function severityOf(
  rule: SecurityGroupRule,
  sensitive: readonly number[],
  webPorts: readonly number[],
): Severity {
  const allTraffic = rule.exposure.protocol === 'all';
  if (allTraffic) return rule.direction === 'unknown' ? 'medium' : 'high';
  if (sensitive.length > 0) return 'high';
  return onlyPorts(rule.exposure, webPorts) ? 'low' : 'medium';
}

function portsText(exposure: PortExposure): string {
  return exposure.ports === null ? '' : `${exposure.ports.from}-${exposure.ports.to}`;
}
