import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { field, response } from '../record.js';
import { sourceAddress } from '../rule.js';

export const detection: Detection = {
  id: 'iam-root-account-usage',
  title: 'Root user used',
  description:
    'The account root user signed in or made an API call. Root has unrestricted access that no IAM policy or ' +
    'SCP can limit, and is needed for only a handful of tasks; any other use means shared or stolen root ' +
    "credentials. Calls AWS services make on root's behalf (invokedBy, AwsServiceEvent) and failed sign-ins " +
    'are not usage; API calls that failed are, since someone holds the credentials. One finding per account ' +
    'and hour, with a count.',
  severity: 'high',
  mitre: ['T1078.004'],
  tactics: ['initial-access', 'privilege-escalation'],
  failedCalls: 'counted',
  panther: {
    rules: ['AWS.Root.Activity', 'AWS.Console.RootLogin'],
    differences: [
      {
        rule: 'AWS.Root.Activity',
        test: 'Root Read-Only Enumeration',
        reason:
          'Stricter: any use of root is reported, reads included. Root calling ListAccessKeys with an access key ' +
          'means someone holds root credentials; Panther leaves read-only root calls out.',
      },
      {
        rule: 'AWS.Root.Activity',
        test: 'Root Activity - CreateServiceLinkedRole',
        reason:
          'Stricter: a CreateServiceLinkedRole call made by root itself (no invokedBy) is root usage; Panther ' +
          'leaves this event name out.',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html',
  remediation:
    'Confirm with the account owner who used root and why. If unexpected: reset the root password, replace ' +
    'its MFA device and delete any root access keys (IAM console → Security credentials while signed in as ' +
    'root, or Organizations → centralized root access), review the root actions in CloudTrail, and remove ' +
    'root credentials from member accounts (`aws iam delete-login-profile` via centralized root access).',
  // Every action, but only root's records: `Root` is userIdentity.type's value, so a record without it
  // (and without an escape that could hide it) is not root's and is skipped unparsed.
  routes: [{ source: 'cloudtrail', actions: '*', rawContains: ['Root'] }],
  dedupPeriodMs: hours(1),
  operator: () => (events) => events.pipe(filter(isRootUsage), map(toFinding)),
};

function isRootUsage(event: SecurityEvent): boolean {
  if (event.principal?.type !== 'Root') return false;
  if (field(event, 'userIdentity', 'invokedBy') !== undefined) return false;
  if (field(event, 'eventType') === 'AwsServiceEvent') return false;
  return event.action !== 'signin:ConsoleLogin' || response(event, 'ConsoleLogin') === 'Success';
}

function toFinding(event: SecurityEvent) {
  const account = event.account ?? 'unknown';
  const from = sourceAddress(event);
  return buildFinding(detection, {
    key: account,
    trigger: event,
    title: `Root user of account ${account} used: ${event.action} from ${from}`,
    description:
      `The root user of ${account} called ${event.action} from ${from}` +
      (event.errorCode === null ? '' : ` (failed with ${event.errorCode})`) +
      `${event.principal?.mfa === false ? ' without MFA' : ''}. Root should not be used for daily work.`,
    resources: [
      { type: 'AWS::IAM::Root', id: event.principal?.arn ?? `arn:aws:iam::${account}:root`, account },
    ],
    context: {
      action: event.action,
      sourceIp: event.srcIp ?? '',
      userAgent: event.userAgent ?? '',
      mfa:
        event.principal?.mfa === null || event.principal?.mfa === undefined
          ? ''
          : String(event.principal.mfa),
      errorCode: event.errorCode ?? '',
      region: event.region ?? '',
    },
  });
}
