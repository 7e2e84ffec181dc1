import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { nameMatcher } from '../name-matcher.js';
import { integer, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = {
  securityLogGroups: [
    'aws-cloudtrail-logs*',
    '*cloudtrail*',
    '*flow-log*',
    '*flowlog*',
    '/aws/vpc/*',
    '/aws/route53*',
    '*resolver*',
    'aws-waf-logs-*',
    '/aws/eks/*',
    '*guardduty*',
    '*securityhub*',
    '*audit*',
    '*security*',
  ],
  minRetentionDays: 90,
};

export const detection = cloudTrailRule({
  id: 'cloudwatch-logs-tampered',
  title: 'CloudWatch Logs deleted, unsubscribed or their retention cut',
  description:
    'A subscription filter was deleted (high: logs stop streaming to the SIEM or monitor that reads them), a ' +
    'security log group deleted (high: CloudTrail, flow, DNS, WAF, EKS audit logs and their history are gone), a ' +
    "security log group's retention cut below the minimum (medium: evidence expires sooner) or its metric filter " +
    'deleted (medium: the CIS alarms built on it go silent). Other log groups deleted are low. A call refused for ' +
    'lack of permission counts. Which groups are security logs is the `securityLogGroups` param (globs).',
  severity: 'high',
  mitre: ['T1562.008', 'T1070'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html',
  remediation:
    'Recreate the subscription filter (`aws logs put-subscription-filter --log-group-name <group> --filter-name ' +
    '<name> --filter-pattern "" --destination-arn <stream-or-function>`), the log group and its producers from ' +
    'IaC, restore the retention (`aws logs put-retention-policy --log-group-name <group> --retention-in-days ' +
    '<days>`) and metric filters; deny logs:Delete* on security log groups outside the logging pipeline with an SCP.',
  actions: [
    'logs:DeleteSubscriptionFilter',
    'logs:DeleteLogGroup',
    'logs:PutRetentionPolicy',
    'logs:DeleteMetricFilter',
  ],
  settings: (read) => ({
    isSecurityLog: nameMatcher(read.strings('securityLogGroups', DEFAULT_PARAMS.securityLogGroups)),
    minRetentionDays: read.positiveInteger('minRetentionDays', DEFAULT_PARAMS.minRetentionDays),
  }),
  match: successOrDenied(
    (event, settings: { isSecurityLog: (name: string | null) => boolean; minRetentionDays: number }) => {
      const logGroup = text(request(event, 'logGroupName')) ?? text(request(event, 'logGroupIdentifier'));
      const change = changeOf(event, settings.isSecurityLog(logGroup), settings.minRetentionDays);
      if (change === null) return null;
      const group = logGroup ?? 'unknown log group';
      const who = actor(event);
      return {
        key: `${event.account}:${event.region}:${group}:${change.what}`,
        severity: change.severity,
        title: `CloudWatch Logs ${group}: ${change.what} by ${who}`,
        description: `${who} called ${event.action} on log group ${group} in ${event.region ?? 'an unknown region'}: ${change.what}.`,
        resources: [{ type: 'AWS::Logs::LogGroup', id: group, account: event.account }],
        context: {
          logGroup: group,
          change: change.what,
          securityLog: String(settings.isSecurityLog(logGroup)),
        },
      };
    },
  ),
});

function changeOf(
  event: SecurityEvent,
  securityLog: boolean,
  minRetentionDays: number,
): { severity: Severity; what: string } | null {
  const filter = text(request(event, 'filterName')) ?? 'unknown';
  switch (event.action) {
    case 'logs:DeleteSubscriptionFilter':
      return { severity: 'high', what: `subscription filter ${filter} deleted` };
    case 'logs:DeleteLogGroup':
      return { severity: securityLog ? 'high' : 'low', what: 'log group deleted' };
    case 'logs:DeleteMetricFilter':
      return { severity: securityLog ? 'medium' : 'low', what: `metric filter ${filter} deleted` };
    default: {
      const days = integer(request(event, 'retentionInDays'));
      return securityLog && days !== null && days < minRetentionDays
        ? { severity: 'medium', what: `retention cut to ${days} day(s)` }
        : null;
    }
  }
}
