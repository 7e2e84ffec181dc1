import type { SecurityEvent } from '../../../../schemas/types.js';
import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst, listed } from '../burst.js';
import { isAwsServiceCall } from '../caller.js';
import { field } from '../record.js';

/**
 * IAM reads that list the whole account rather than one named entity. Infrastructure as code reads the
 * entities it manages by name (GetRole, ListAttachedRolePolicies for that role) and is not counted; mapping
 * an account starts from these.
 */
const ACCOUNT_WIDE_READS = [
  'iam:ListUsers',
  'iam:ListRoles',
  'iam:ListGroups',
  'iam:ListPolicies',
  'iam:ListInstanceProfiles',
  'iam:ListSAMLProviders',
  'iam:ListOpenIDConnectProviders',
  'iam:ListServerCertificates',
  'iam:ListVirtualMFADevices',
  'iam:ListAccountAliases',
  'iam:GetAccountSummary',
  'iam:GetAccountPasswordPolicy',
  'iam:GetCredentialReport',
  'iam:GenerateCredentialReport',
  'iam:GetAccountAuthorizationDetails',
];

export const detection = cloudTrailBurst({
  id: 'iam-enumeration-burst',
  title: 'IAM enumeration from the API',
  description:
    'One identity called 5 or more different IAM APIs that list the whole account (users, roles, groups, ' +
    'policies, providers, the account summary or credential report) within 10 minutes from the API, or dumped ' +
    'the whole IAM configuration with GetAccountAuthorizationDetails. Mapping who can do what is the first thing ' +
    'an intruder does with new credentials (Pacu, ScoutSuite, enumerate-iam). Reads of one named entity ' +
    '(infrastructure as code refreshing what it manages), browsing the IAM console and AWS services reading on ' +
    'their own are left out; allow-list your security scanners. Refused reads count.',
  severity: 'medium',
  mitre: ['T1087.004', 'T1069.003'],
  tactics: ['discovery'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html',
  remediation:
    'Ask the owner of the identity whether it runs an inventory or security tool (then allow-list it for this ' +
    'detection). If not: treat the credentials as stolen — revoke sessions or deactivate keys — and review what ' +
    'the identity did after the enumeration.',
  actions: ACCOUNT_WIDE_READS,
  include: (event) => !fromConsole(event) && !isAwsServiceCall(event),
  key: (event) => principalLabel(event),
  distinct: (event) => event.action,
  alone: (event) => event.action === 'iam:GetAccountAuthorizationDetails',
  atLeast: 5,
  windowMinutes: 10,
  slim: true,
  // Listing calls are frequent and enumeration comes all at once: two windows per call are enough.
  slideMinutes: 5,
  finding: (burst) => {
    const dump = burst.values.includes('iam:GetAccountAuthorizationDetails');
    const actions = listed(burst.values, 12);
    return {
      title: burst.reached
        ? `${burst.values.length} account-wide IAM listings called by ${burst.key} within ${burst.windowMinutes} minutes`
        : `Whole IAM configuration read by ${burst.key} (GetAccountAuthorizationDetails)`,
      description: `${burst.key} called ${actions} from the API.`,
      context: { actions: burst.values.join(','), authorizationDetails: String(dump) },
    };
  },
});

/** Console page loads read IAM on the user's behalf: flagged by CloudTrail or by the console's user agent. */
function fromConsole(event: SecurityEvent): boolean {
  const flag = field(event, 'sessionCredentialFromConsole');
  return flag === true || flag === 'true' || (event.userAgent ?? '').includes('console.amazonaws.com');
}
