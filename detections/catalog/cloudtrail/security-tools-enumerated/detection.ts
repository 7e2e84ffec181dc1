import { principalLabel } from '../../../finding.js';
import { actorKind } from '../actor-kind.js';
import { cloudTrailBurst } from '../burst.js';

/**
 * Calls that tell a caller which defences are on: detectors, trails, recorders, analyzers, firewalls, flow logs.
 * Security groups and alarms are left out: every EC2 and CloudWatch console page lists them.
 */
const SECURITY_DISCOVERY: Readonly<Record<string, readonly string[]>> = {
  guardduty: [
    'ListDetectors',
    'GetDetector',
    'ListFindings',
    'GetFindings',
    'ListIPSets',
    'ListThreatIntelSets',
    'ListFilters',
  ],
  cloudtrail: [
    'DescribeTrails',
    'ListTrails',
    'GetTrail',
    'GetTrailStatus',
    'GetEventSelectors',
    'GetInsightSelectors',
  ],
  config: [
    'DescribeConfigurationRecorders',
    'DescribeConfigurationRecorderStatus',
    'DescribeDeliveryChannels',
    'DescribeConfigRules',
  ],
  securityhub: ['DescribeHub', 'GetEnabledStandards', 'ListEnabledProductsForImport'],
  macie2: ['GetMacieSession', 'ListClassificationJobs'],
  inspector2: ['BatchGetAccountStatus', 'ListCoverage'],
  'access-analyzer': ['ListAnalyzers'],
  detective: ['ListGraphs'],
  wafv2: ['ListWebACLs'],
  ec2: ['DescribeFlowLogs'],
  organizations: ['ListPolicies', 'DescribePolicy'],
};

export const detection = cloudTrailBurst({
  id: 'security-tools-enumerated',
  title: 'Security tooling enumerated',
  description:
    'One principal looked up which defences the account runs in at least 4 different security services within ' +
    '10 minutes (GuardDuty detectors, CloudTrail trails, Config recorders, Security Hub, Macie, Inspector, ' +
    'Access Analyzer, Detective, WAF, flow logs, SCPs). Attackers check what watches them ' +
    'before they act; security teams and posture scanners do the same, so it is recorded at low severity as ' +
    'context for other findings. AWS services checking themselves are not counted.',
  severity: 'low',
  mitre: ['T1518.001'],
  tactics: ['discovery'],
  failedCalls: 'counted',
  panther: {
    rules: ['AWS.Software.Discovery'],
    differences: [
      {
        rule: 'AWS.Software.Discovery',
        test: 'Discovery Event Names',
        reason:
          'DescribeSecurityGroups is left out (every EC2 console page lists security groups), and shardwatch reports ' +
          'security tooling discovery only when one principal probes at least 4 security services within 10 minutes ' +
          '(Panther applies its own threshold of 50 events outside the rule test)',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html',
  remediation:
    'Check that the principal is a security engineer or a posture scanner; if so, allow-list it for this ' +
    'detection. Otherwise review its other calls around the same time, and deactivate its access key or revoke ' +
    'its role sessions if they are not legitimate.',
  actions: Object.entries(SECURITY_DISCOVERY).flatMap(([service, names]) =>
    names.map((name) => `${service}:${name}`),
  ),
  include: (event) => actorKind(event) !== 'service',
  key: (event) => principalLabel(event),
  distinct: (event) => event.action.split(':')[0] ?? null,
  atLeast: 4,
  windowMinutes: 10,
  finding: (burst) => {
    const calls = [...new Set(burst.events.map((event) => event.action))].sort();
    return {
      title: `${burst.values.length} security services probed by ${burst.key} within ${burst.windowMinutes} minutes`,
      description: `${burst.key} looked up ${burst.values.join(', ')}: ${calls.join(', ')}.`,
      resources: [],
      context: { services: burst.values.join(','), calls: calls.join(',') },
    };
  },
});
