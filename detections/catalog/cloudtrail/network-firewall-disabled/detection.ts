import type { SecurityEvent } from '../../../../schemas/types.js';
import { requestAnyCase } from '../any-case.js';
import { type Change, changeMatch } from '../change-match.js';
import { successOrDenied } from '../denied-attempts.js';
import { isFalse } from '../flag.js';
import { items, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'network-firewall-disabled',
  title: 'Network Firewall or DNS Firewall protection removed',
  description:
    'An AWS Network Firewall was deleted, detached from subnets, or its flow/alert logging removed, or a Route 53 ' +
    'Resolver DNS Firewall rule group detached from a VPC (high): traffic and DNS lookups the firewall inspected or ' +
    'blocked (command and control, exfiltration, known-bad domains) now pass unseen. Firewall policies or rule ' +
    'groups deleted, delete protection turned off or DNS Firewall set to fail open are medium. A call refused for ' +
    'lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.004', 'T1562.007'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-deleting.html',
  remediation:
    'Restore from IaC: recreate or re-associate the firewall (`aws network-firewall associate-subnets`), its ' +
    'logging (`aws network-firewall update-logging-configuration`), policies and rule groups; re-associate DNS ' +
    'Firewall rule groups (`aws route53resolver associate-firewall-rule-group`) and set fail-closed ' +
    '(`aws route53resolver update-firewall-config --firewall-fail-open DISABLED`). Keep delete protection on.',
  actions: [
    'network-firewall:DeleteFirewall',
    'network-firewall:DisassociateSubnets',
    'network-firewall:UpdateLoggingConfiguration',
    'network-firewall:DeleteFirewallPolicy',
    'network-firewall:DeleteRuleGroup',
    'network-firewall:UpdateFirewallDeleteProtection',
    'route53resolver:DisassociateFirewallRuleGroup',
    'route53resolver:DeleteFirewallRuleGroup',
    'route53resolver:UpdateFirewallConfig',
  ],
  match: successOrDenied((event) => {
    return changeMatch(event, changeOf(event));
  }),
});

function changeOf(event: SecurityEvent): Change | null {
  const param = (name: string) => text(requestAnyCase(event, name));
  const firewall = param('firewallName') ?? param('firewallArn') ?? 'unknown';
  const nfw = { resource: { type: 'AWS::NetworkFirewall::Firewall', id: firewall } };
  const dns = (id: string) => ({ resource: { type: 'AWS::Route53Resolver::FirewallRuleGroup', id } });
  switch (event.action) {
    case 'network-firewall:DeleteFirewall':
      return { ...nfw, severity: 'high', what: `Network Firewall ${firewall} deleted` };
    case 'network-firewall:DisassociateSubnets': {
      const subnets = items(requestAnyCase(event, 'subnetIds'))
        .map(text)
        .filter((id) => id !== null);
      return {
        ...nfw,
        severity: 'high',
        what: `Network Firewall ${firewall} detached from ${subnets.join(', ') || 'subnets'}`,
      };
    }
    case 'network-firewall:UpdateLoggingConfiguration': {
      const destinations = items(requestAnyCase(event, 'loggingConfiguration', 'logDestinationConfigs'));
      return destinations.length === 0
        ? { ...nfw, severity: 'high', what: `Network Firewall ${firewall} logging removed` }
        : null;
    }
    case 'network-firewall:DeleteFirewallPolicy': {
      const policy = param('firewallPolicyName') ?? param('firewallPolicyArn') ?? 'unknown';
      return {
        resource: { type: 'AWS::NetworkFirewall::FirewallPolicy', id: policy },
        severity: 'medium',
        what: `Network Firewall policy ${policy} deleted`,
      };
    }
    case 'network-firewall:DeleteRuleGroup': {
      const group = param('ruleGroupName') ?? param('ruleGroupArn') ?? 'unknown';
      return {
        resource: { type: 'AWS::NetworkFirewall::RuleGroup', id: group },
        severity: 'medium',
        what: `Network Firewall rule group ${group} deleted`,
      };
    }
    case 'network-firewall:UpdateFirewallDeleteProtection':
      return isFalse(requestAnyCase(event, 'deleteProtection'))
        ? { ...nfw, severity: 'medium', what: `Network Firewall ${firewall} delete protection turned off` }
        : null;
    case 'route53resolver:DisassociateFirewallRuleGroup': {
      const association = param('firewallRuleGroupAssociationId') ?? 'unknown';
      return {
        ...dns(association),
        severity: 'high',
        what: `DNS Firewall rule group association ${association} removed`,
      };
    }
    case 'route53resolver:DeleteFirewallRuleGroup': {
      const group = param('firewallRuleGroupId') ?? 'unknown';
      return { ...dns(group), severity: 'medium', what: `DNS Firewall rule group ${group} deleted` };
    }
    default:
      return param('firewallFailOpen') === 'ENABLED'
        ? {
            ...dns(param('resourceId') ?? 'unknown'),
            severity: 'medium',
            what: `DNS Firewall of ${param('resourceId') ?? 'a VPC'} set to fail open`,
          }
        : null;
  }
}
