import { filter, map, mergeMap } from 'rxjs';
import type { JsonValue, SecurityEvent, Severity } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { lastPathSegment } from '../instance-launch.js';
import { at, request, succeeded, text } from '../record.js';

/** What a call did to a trail, if it weakened logging. */
interface Tampering {
  severity: Severity;
  changes: string[];
}

export const detection: Detection = {
  id: 'cloudtrail-logging-tampered',
  title: 'CloudTrail logging stopped or weakened',
  description:
    'A trail was stopped or deleted (critical), or updated so it records less: multi-region or global ' +
    'service events turned off, log file validation off, delivery moved to another bucket or away from ' +
    'CloudWatch Logs, encryption removed, or event selectors that drop management events (high). Attackers ' +
    'do this first to hide what they do next, and this monitor itself may go blind.',
  severity: 'critical',
  mitre: ['T1562.008'],
  tactics: ['defense-evasion'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html',
  remediation:
    'Restore logging at once: `aws cloudtrail start-logging --name <trail>` (CloudTrail console → Trails → ' +
    '<trail> → Start logging), recreate a deleted trail from IaC, or revert the update / event selectors. ' +
    'Then treat the caller as compromised until proven otherwise and protect trails with an SCP denying ' +
    'cloudtrail:StopLogging/DeleteTrail/UpdateTrail/PutEventSelectors outside a break-glass role.',
  routes: [
    {
      source: 'cloudtrail',
      actions: [
        'cloudtrail:StopLogging',
        'cloudtrail:DeleteTrail',
        'cloudtrail:UpdateTrail',
        'cloudtrail:PutEventSelectors',
      ],
    },
  ],
  operator: () => (events) =>
    events.pipe(
      filter(succeeded),
      mergeMap((event) => {
        const tampering = tamperingOf(event);
        return tampering === null ? [] : [{ event, tampering }];
      }),
      map(({ event, tampering }) => toFinding(event, tampering)),
    ),
};

function tamperingOf(event: SecurityEvent): Tampering | null {
  switch (event.action) {
    case 'cloudtrail:StopLogging':
      return { severity: 'critical', changes: ['logging stopped'] };
    case 'cloudtrail:DeleteTrail':
      return { severity: 'critical', changes: ['trail deleted'] };
    case 'cloudtrail:UpdateTrail': {
      const changes = weakeningUpdates(event);
      return changes.length > 0 ? { severity: 'high', changes } : null;
    }
    case 'cloudtrail:PutEventSelectors':
      return keepsAllManagementEvents(event)
        ? null
        : { severity: 'high', changes: ['management events reduced'] };
    default:
      return null;
  }
}

/** UpdateTrail only sends the settings it changes; these are the ones that make the trail record less. */
function weakeningUpdates(event: SecurityEvent): string[] {
  const changes: string[] = [];
  if (request(event, 'isMultiRegionTrail') === false) changes.push('multi-region logging disabled');
  if (request(event, 'includeGlobalServiceEvents') === false) changes.push('global service events excluded');
  if (request(event, 'enableLogFileValidation') === false) changes.push('log file validation disabled');
  if (request(event, 'isOrganizationTrail') === false) changes.push('organization trail disabled');
  const bucket = text(request(event, 's3BucketName'));
  if (bucket !== null) changes.push(`delivery moved to bucket ${bucket}`);
  if (request(event, 'cloudWatchLogsLogGroupArn') === '') changes.push('CloudWatch Logs delivery removed');
  if (request(event, 'kmsKeyId') === '') changes.push('log encryption removed');
  return changes;
}

/**
 * True when some selector still records every management event: a basic selector with management events,
 * readWriteType All and no excluded sources, or an advanced selector filtering on eventCategory Management only.
 */
function keepsAllManagementEvents(event: SecurityEvent): boolean {
  const basic = asArray(request(event, 'eventSelectors'));
  const advanced = asArray(request(event, 'advancedEventSelectors'));
  return (
    basic.some(
      (selector) =>
        at(selector, 'includeManagementEvents') !== false &&
        (at(selector, 'readWriteType') ?? 'All') === 'All' &&
        asArray(at(selector, 'excludeManagementEventSources')).length === 0,
    ) ||
    advanced.some((selector) => {
      const fields = asArray(at(selector, 'fieldSelectors'));
      return (
        fields.length === 1 &&
        at(fields[0], 'field') === 'eventCategory' &&
        asArray(at(fields[0], 'equals')).includes('Management')
      );
    })
  );
}

function asArray(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function toFinding(event: SecurityEvent, tampering: Tampering) {
  const trail = text(request(event, 'name')) ?? text(request(event, 'trailName')) ?? 'unknown trail';
  const trailName = lastPathSegment(trail);
  const who = principalLabel(event) ?? 'An unknown principal';
  const changes = tampering.changes.join(', ');
  return buildFinding(detection, {
    key: `${event.account}:${trailName}`,
    trigger: event,
    severity: tampering.severity,
    title: `CloudTrail trail ${trailName}: ${changes} by ${who}`,
    description:
      `${who} called ${event.action} on trail ${trail} in ${event.region ?? 'an unknown region'} ` +
      `(${changes}). Restore the trail's logging and find out why it was changed.`,
    resources: [{ type: 'AWS::CloudTrail::Trail', id: trail, account: event.account }],
    context: {
      action: event.action,
      trail,
      changes,
      sourceIp: event.srcIp ?? '',
      region: event.region ?? '',
    },
  });
}
