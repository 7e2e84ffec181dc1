import { rdsDatabase } from '../rds-request.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-activity-stream-stopped',
  title: 'RDS database activity stream stopped',
  description:
    'A database activity stream was stopped: the near-real-time record of every query on an Aurora or RDS ' +
    'database, kept for compliance and for catching data theft. Stopping it blinds that monitoring; a refused ' +
    'attempt is reported too.',
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
          'A refused attempt to stop a monitoring stream is worth a finding (it names the principal that tried); ' +
          'shardwatch reports it, titled as refused.',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/DBActivityStreams.html',
  remediation:
    'Start it again: `aws rds start-activity-stream --resource-arn <cluster-arn> --mode async --kms-key-id <key> ' +
    '--apply-immediately` (console: database → Actions → Start database activity stream), find out who stopped ' +
    'it and why, and deny rds:StopActivityStream outside a break-glass role.',
  actions: ['rds:StopActivityStream'],
  match: (event) => {
    const database = rdsDatabase(event);
    const who = actor(event);
    return {
      key: `${event.account}:${database.resource.id}`,
      title: `Activity stream of ${database.label} stopped by ${who}`,
      description: `${who} stopped the database activity stream of ${database.label}; its queries are no longer recorded.`,
      resources: [database.resource],
    };
  },
});
