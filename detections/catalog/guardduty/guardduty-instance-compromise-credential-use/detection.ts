import { isIP } from 'node:net';
import { filter, map } from 'rxjs';
import type { Resource, SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours, minutes, type SequenceMatch, sequence } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { instanceAddresses } from './instance-addresses.js';

const ID = 'guardduty-instance-compromise-credential-use';

/** `withinMinutes`: how long after the GuardDuty finding a use of the instance's credentials is correlated. */
export const DEFAULT_PARAMS = { withinMinutes: 60 };

/** EC2 role credentials carry the instance id as their session name. */
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/**
 * A GuardDuty finding on instance i-X, then within `withinMinutes` a CloudTrail call made with i-X's role
 * credentials (an AssumedRole session named i-X) from an IP address that is not the instance's own.
 * Routes every CloudTrail action: any call may be the stolen credentials' first use.
 */
export const detection: Detection = {
  id: ID,
  title: 'Compromised instance credentials used',
  description:
    "GuardDuty flagged an EC2 instance, and shortly after, the instance's IAM role credentials called AWS from " +
    'an address that is not the instance. The attacker on the instance has most likely taken its temporary ' +
    'credentials (from the instance metadata service) and is now using the role wherever they are.',
  severity: 'critical',
  mitre: ['T1552.005', 'T1078.004'],
  tactics: ['credential-access', 'lateral-movement'],
  failedCalls: 'counted',
  stratus: ['aws.credential-access.ec2-steal-instance-credentials'],
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/compromised-ec2.html',
  remediation:
    "Revoke the role's active sessions now (IAM console > Roles > <role> > Revoke sessions, which adds an " +
    'AWSRevokeOlderSessions deny policy), isolate the instance (replace its security groups with one that allows ' +
    'no traffic, `aws ec2 modify-instance-attribute --groups sg-isolation`), snapshot its volumes, detach its ' +
    'instance profile, require IMDSv2 (`aws ec2 modify-instance-metadata-options --http-tokens required`), and ' +
    'review every call the role made since the finding.',
  routes: [
    { source: 'guardduty', actions: '*' },
    // A session named after an instance: the name is the ARN's last segment (`…/i-0abc…`) or the identity's
    // userName (`"i-0abc…"`), so a record with neither text is not an instance credential call.
    { source: 'cloudtrail', actions: '*', rawContains: ['/i-', '"i-'] },
  ],
  dedupPeriodMs: hours(1),
  stateful: {
    partitionKey: (event) =>
      isFindingOnInstance(event) || isInstanceCredentialCall(event) ? instanceKey(event) : null,
  },
  operator: ({ clock, params }) => {
    const settings = {
      withinMinutes: paramReader(ID, params).positiveInteger('withinMinutes', DEFAULT_PARAMS.withinMinutes),
    };
    return (events) =>
      events.pipe(
        sequence({
          clock,
          first: (event) => (isFindingOnInstance(event) ? instanceKey(event) : null),
          // biome-ignore lint/suspicious/noThenProperty: the sequence contract names the pair first/then; never awaited
          then: (event) => (isInstanceCredentialCall(event) ? instanceKey(event) : null),
          within: minutes(settings.withinMinutes),
        }),
        filter((match) => !instanceAddresses(match.first).includes(match.then.srcIp ?? '')),
        map((match) => credentialUseFinding(match, settings)),
      );
  },
};

/** The instance id an event is about: the GuardDuty finding's resource or the CloudTrail session name. */
function instanceKey(event: SecurityEvent): string {
  const id = event.source === 'guardduty' ? event.guardduty?.resourceId : event.principal?.name;
  return id ?? '';
}

function isFindingOnInstance(event: SecurityEvent): boolean {
  return event.source === 'guardduty' && event.guardduty?.resourceType === 'Instance';
}

/** A CloudTrail call with an instance's role credentials from an IP address (not an AWS service name). */
function isInstanceCredentialCall(event: SecurityEvent): boolean {
  return (
    event.source === 'cloudtrail' &&
    event.principal?.type === 'AssumedRole' &&
    INSTANCE_ID.test(event.principal.name ?? '') &&
    isIP(event.srcIp ?? '') !== 0
  );
}

function credentialUseFinding(
  { key, first, then }: SequenceMatch<SecurityEvent, SecurityEvent>,
  settings: typeof DEFAULT_PARAMS,
) {
  const findingType = first.guardduty?.type ?? first.action;
  const role = then.principal?.sessionIssuer ?? null;
  const resources: Resource[] = [{ type: 'AWS::EC2::Instance', id: key, account: first.account }];
  if (role) resources.push({ type: 'AWS::IAM::Role', id: role, account: then.account });
  return buildFinding(detection, {
    key,
    trigger: then,
    events: [first, then],
    // One use of the credentials: the dedup roll-up then counts the calls.
    count: 1,
    title: `Credentials of ${key} used from ${then.srcIp} (${then.action}) after GuardDuty ${findingType}`,
    description:
      `GuardDuty reported ${findingType} on ${key}; ${Math.round((then.time - first.time) / 60_000)} minutes ` +
      `later its role ${role ?? 'credentials'} called ${then.action} from ${then.srcIp}, which is not the ` +
      'instance. Treat the role credentials as stolen.',
    resources,
    context: {
      instanceId: key,
      findingType,
      guardDutySeverity: String(first.guardduty?.severity ?? ''),
      guardDutyFindingId: first.id,
      sourceIp: then.srcIp ?? '',
      action: then.action,
      role: role ?? '',
      withinMinutes: String(settings.withinMinutes),
    },
  });
}
