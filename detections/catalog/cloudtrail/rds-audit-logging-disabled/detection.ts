import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { items, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-audit-logging-disabled',
  title: 'RDS database activity stream stopped or log exports turned off',
  description:
    'A database activity stream was stopped (high) or its audit policy unlocked (medium), or a DB instance or ' +
    'cluster stopped exporting logs (audit, general, error, postgresql...) to CloudWatch Logs (medium): queries ' +
    'against the database are no longer monitored, the usual step before reading or destroying its data. A call ' +
    'refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.008'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: {
    rules: ['AWS.RDS.ActivityStreamStopped'],
    differences: [
      {
        rule: 'AWS.RDS.ActivityStreamStopped',
        test: 'Activity Stream Stop Failed',
        reason:
          'An attempt to stop auditing refused with AccessDenied is reported (high): someone tried to blind the ' +
          'database monitoring and may try again with other credentials.',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/DBActivityStreams.html',
  remediation:
    'Start the activity stream again (`aws rds start-activity-stream --resource-arn <cluster-arn> --mode async ' +
    '--kms-key-id <key> --apply-immediately`, RDS console → the database → Actions → Start activity stream), lock ' +
    'its policy (`aws rds modify-activity-stream --audit-policy-state locked`), re-enable log exports (`aws rds ' +
    'modify-db-instance --cloudwatch-logs-export-configuration EnableLogTypes=audit,error`), and review the ' +
    'database activity while auditing was off.',
  actions: [
    'rds:StopActivityStream',
    'rds:ModifyActivityStream',
    'rds:ModifyDBInstance',
    'rds:ModifyDBCluster',
  ],
  match: successOrDenied((event) => {
    const change = changeOf(event);
    if (change === null) return null;
    const database =
      text(request(event, 'resourceArn')) ??
      text(request(event, 'dBInstanceIdentifier')) ??
      text(request(event, 'dBClusterIdentifier')) ??
      'unknown database';
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${database}`,
      severity: change.severity,
      title: `RDS ${database}: ${change.what} by ${who}`,
      description: `${who} called ${event.action} on ${database} (${change.what}): database activity is no longer fully audited.`,
      resources: [{ type: resourceType(event), id: database, account: event.account }],
      context: { database, change: change.what },
    };
  }),
});

function changeOf(event: SecurityEvent): { severity: Severity; what: string } | null {
  if (event.action === 'rds:StopActivityStream') return { severity: 'high', what: 'activity stream stopped' };
  if (event.action === 'rds:ModifyActivityStream') {
    return text(request(event, 'auditPolicyState')) === 'unlocked'
      ? { severity: 'medium', what: 'activity stream audit policy unlocked' }
      : null;
  }
  const disabled = items(request(event, 'cloudwatchLogsExportConfiguration', 'disableLogTypes'))
    .map(text)
    .filter((type): type is string => type !== null);
  return disabled.length > 0
    ? { severity: 'medium', what: `log export stopped: ${disabled.join(', ')}` }
    : null;
}

function resourceType(event: SecurityEvent): string {
  return text(request(event, 'dBInstanceIdentifier')) === null
    ? 'AWS::RDS::DBCluster'
    : 'AWS::RDS::DBInstance';
}
