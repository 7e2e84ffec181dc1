import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { isFalse } from '../flag.js';
import { lastPathSegment } from '../instance-launch.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';
import { managementCoverage } from '../trail-event-selectors.js';

export const detection = cloudTrailRule({
  id: 'cloudtrail-logging-tampered',
  title: 'CloudTrail logging stopped or weakened',
  description:
    'A trail was stopped or deleted, its event selectors switched off management events, or a CloudTrail Lake ' +
    'event data store was deleted or stopped ingesting (critical); or a trail was updated to record less: ' +
    'multi-region or global service events off, log file validation off, delivery removed from CloudWatch Logs, ' +
    'encryption removed, part of the management events dropped (high), or delivery set to a bucket (medium: ' +
    'infrastructure-as-code resends the same bucket on every apply, an attacker points it at theirs). Attackers do ' +
    'this first to hide what they do next, and this monitor itself may go blind. A call refused for lack of ' +
    'permission counts: someone tried.',
  severity: 'critical',
  mitre: ['T1562.008'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.CloudTrail.Stopped', 'AWS.CloudTrail.EventSelectorsDisabled'] },
  stratus: [
    'aws.defense-evasion.cloudtrail-stop',
    'aws.defense-evasion.cloudtrail-delete',
    'aws.defense-evasion.cloudtrail-event-selectors',
  ],
  runbook: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html',
  remediation:
    'Restore logging at once: `aws cloudtrail start-logging --name <trail>` (CloudTrail console → Trails → ' +
    '<trail> → Start logging), recreate a deleted trail or event data store from IaC, or revert the update ' +
    '(`aws cloudtrail update-trail`) and selectors (`aws cloudtrail put-event-selectors --trail-name <trail> ' +
    '--event-selectors \'[{"ReadWriteType":"All","IncludeManagementEvents":true}]\'`). Treat the caller as ' +
    'compromised until proven otherwise, and deny cloudtrail:StopLogging, DeleteTrail, UpdateTrail and ' +
    'PutEventSelectors outside a break-glass role with an SCP.',
  actions: [
    'cloudtrail:StopLogging',
    'cloudtrail:DeleteTrail',
    'cloudtrail:UpdateTrail',
    'cloudtrail:PutEventSelectors',
    'cloudtrail:DeleteEventDataStore',
    'cloudtrail:StopEventDataStoreIngestion',
  ],
  match: successOrDenied((event) => {
    const tampering = tamperingOf(event);
    if (tampering === null) return null;
    const trail =
      text(request(event, 'name')) ??
      text(request(event, 'trailName')) ??
      text(request(event, 'eventDataStore')) ??
      'unknown trail';
    const name = lastPathSegment(trail);
    const lake = event.action.includes('EventDataStore');
    const kind = lake ? 'CloudTrail Lake event data store' : 'CloudTrail trail';
    const changes = tampering.changes.join(', ');
    const who = actor(event);
    return {
      key: `${event.account}:${name}`,
      // a refused attempt is one step less severe than the change itself
      severity: event.errorCode === null ? tampering.severity : 'high',
      title: `${kind} ${name}: ${changes} by ${who}`,
      description: `${who} called ${event.action} on ${trail} in ${event.region ?? 'an unknown region'} (${changes}). Restore logging and find out why it was changed.`,
      resources: [
        {
          type: lake ? 'AWS::CloudTrail::EventDataStore' : 'AWS::CloudTrail::Trail',
          id: trail,
          account: event.account,
        },
      ],
      context: { trail, changes },
    };
  }),
});

/** What a call did to a trail, if it weakened logging. */
function tamperingOf(event: SecurityEvent): { severity: Severity; changes: string[] } | null {
  switch (event.action) {
    case 'cloudtrail:StopLogging':
      return { severity: 'critical', changes: ['logging stopped'] };
    case 'cloudtrail:DeleteTrail':
      return { severity: 'critical', changes: ['trail deleted'] };
    case 'cloudtrail:DeleteEventDataStore':
      return { severity: 'critical', changes: ['event data store deleted'] };
    case 'cloudtrail:StopEventDataStoreIngestion':
      return { severity: 'critical', changes: ['ingestion stopped'] };
    case 'cloudtrail:UpdateTrail': {
      const changes = weakeningUpdates(event);
      // IaC resends the bucket on every apply: a bucket alone may be no move at all
      const bucketOnly = changes.length === 1 && request(event, 's3BucketName') !== undefined;
      return changes.length > 0 ? { severity: bucketOnly ? 'medium' : 'high', changes } : null;
    }
    case 'cloudtrail:PutEventSelectors': {
      const coverage = managementCoverage(event);
      if (coverage === null || coverage.level === 'all') return null;
      return {
        severity: coverage.level === 'none' ? 'critical' : 'high',
        changes: coverage.dropped.map((what) => `${what} no longer recorded`),
      };
    }
    default:
      return null;
  }
}

/** UpdateTrail sends only the settings it changes; these make the trail record or protect less. */
function weakeningUpdates(event: SecurityEvent): string[] {
  const changes: string[] = [];
  if (isFalse(request(event, 'isMultiRegionTrail'))) changes.push('multi-region logging disabled');
  if (isFalse(request(event, 'includeGlobalServiceEvents'))) changes.push('global service events excluded');
  if (isFalse(request(event, 'enableLogFileValidation'))) changes.push('log file validation disabled');
  if (isFalse(request(event, 'isOrganizationTrail'))) changes.push('organization trail disabled');
  const bucket = text(request(event, 's3BucketName'));
  if (bucket !== null) changes.push(`delivery set to bucket ${bucket}`);
  if (request(event, 'cloudWatchLogsLogGroupArn') === '') changes.push('CloudWatch Logs delivery removed');
  if (request(event, 'kmsKeyId') === '') changes.push('log encryption removed');
  return changes;
}
