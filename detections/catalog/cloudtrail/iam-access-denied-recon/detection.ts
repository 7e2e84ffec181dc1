import type { SecurityEvent } from '../../../../schemas/types.js';
import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst, listed } from '../burst.js';
import { isAwsServiceCall } from '../caller.js';

/** Error codes AWS uses for "not allowed", across services (`AccessDenied`, `Client.UnauthorizedOperation`...). */
const DENIED = /AccessDenied|Unauthorized|AuthorizationError|Forbidden/;

export const detection = cloudTrailBurst({
  id: 'iam-access-denied-recon',
  title: 'Reconnaissance: refused calls to many different APIs',
  description:
    'One identity was refused (AccessDenied, UnauthorizedOperation...) on 10 or more different API actions ' +
    'within 10 minutes. A person or program that knows its permissions does not do this; stolen credentials ' +
    'being tested to learn what they can do (enumerate-iam, Pacu, scanners) do exactly this. Calls made by AWS ' +
    'services are left out; a single refused call is routine and is not reported.',
  severity: 'medium',
  mitre: ['T1580', 'T1526', 'T1087.004'],
  tactics: ['discovery'],
  failedCalls: 'counted',
  panther: {
    rules: ['AWS.CloudTrail.UnauthorizedAPICall', 'AWS.IAMUser.ReconAccessDenied'],
    differences: [
      {
        rule: 'AWS.CloudTrail.UnauthorizedAPICall',
        test: 'Unauthorized API Call from Within AWS (IP)',
        reason:
          'A threshold instead of one event: shardwatch reports 10 distinct refused APIs per identity within 10 ' +
          'minutes (Panther alerts at 20 refused calls a day, after its test); one refused call is routine.',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html',
  remediation:
    'Ask the owner of the identity what it was doing. If they do not know: treat the credentials as stolen — ' +
    "revoke the role sessions (IAM console → Roles → <role> → Revoke active sessions) or deactivate the user's " +
    'keys (`aws iam update-access-key --status Inactive ...`) — and review the calls that were not refused in ' +
    'the same period.',
  actions: '*',
  rawContains: ['AccessDenied', 'Unauthorized', 'AuthorizationError', 'Forbidden'],
  include: (event) => denied(event) && !isAwsServiceCall(event),
  key: (event) => principalLabel(event),
  distinct: (event) => event.action,
  atLeast: 10,
  windowMinutes: 10,
  slim: true,
  finding: (burst) => {
    const actions = listed(burst.values, 12);
    return {
      title: `${burst.values.length} different API calls refused for ${burst.key} within ${burst.windowMinutes} minutes`,
      description: `${burst.key} was refused ${burst.events.length} calls to ${actions}: someone is testing what these credentials may do.`,
      context: { actions: burst.values.join(',') },
    };
  },
});

function denied(event: SecurityEvent): boolean {
  return event.errorCode !== null && DENIED.test(event.errorCode);
}
