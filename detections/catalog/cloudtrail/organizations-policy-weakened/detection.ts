import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { changeMatch } from '../change-match.js';
import { successOrDenied } from '../denied-attempts.js';
import { allowsEverything, policyStatements } from '../policy-document.js';
import { at, request, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

/** Services whose organization-wide setup is a security control (trusted access, delegated admin). */
const SECURITY_SERVICES = [
  'access-analyzer.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'config.amazonaws.com',
  'config-multiaccountsetup.amazonaws.com',
  'detective.amazonaws.com',
  'fms.amazonaws.com',
  'guardduty.amazonaws.com',
  'inspector2.amazonaws.com',
  'macie.amazonaws.com',
  'securityhub.amazonaws.com',
  'securitylake.amazonaws.com',
];

/** Policy types whose removal lifts guardrails on every account. */
const GUARDRAIL_TYPES = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY', 'DECLARATIVE_POLICY_EC2'];

export const detection = cloudTrailRule({
  id: 'organizations-policy-weakened',
  title: 'Organization guardrails or security service access removed',
  description:
    'An organization-level control was weakened: service or resource control policies disabled for the ' +
    'organization (critical), an SCP detached, replaced by one that allows everything, or the trusted access or ' +
    'delegated administrator of a security service (CloudTrail, Config, GuardDuty, Security Hub, Macie...) ' +
    'removed (high), a policy deleted or changed, or an account moved to another OU (medium). Attackers with ' +
    'management-account access lift the SCPs that deny them before acting. A call refused for lack of ' +
    'permission counts.',
  severity: 'high',
  mitre: ['T1484', 'T1562.001'],
  tactics: ['defense-evasion', 'privilege-escalation'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html',
  remediation:
    "Revert from the organization's IaC: `aws organizations enable-policy-type --root-id <r-…> --policy-type " +
    'SERVICE_CONTROL_POLICY`, `aws organizations attach-policy --policy-id <p-…> --target-id <ou-or-account>`, ' +
    '`aws organizations update-policy` with the reviewed content, `aws organizations enable-aws-service-access ' +
    '--service-principal <service>`, `aws organizations move-account` back. Restrict the management account to a ' +
    'few break-glass roles and review who assumed them.',
  actions: [
    'organizations:DisablePolicyType',
    'organizations:DetachPolicy',
    'organizations:DeletePolicy',
    'organizations:UpdatePolicy',
    'organizations:DisableAWSServiceAccess',
    'organizations:DeregisterDelegatedAdministrator',
    'organizations:MoveAccount',
  ],
  match: successOrDenied((event) => {
    const change = changeOf(event);
    return changeMatch(
      event,
      change && {
        ...change,
        subject: 'AWS Organizations',
        resource: { type: 'AWS::Organizations::Policy', id: change.target },
        impact: 'Accounts of the organization lose that control.',
      },
    );
  }),
});

function changeOf(event: SecurityEvent): { severity: Severity; what: string; target: string } | null {
  const param = (name: string) => text(request(event, name));
  const policy = param('policyId') ?? 'unknown policy';
  switch (event.action) {
    case 'organizations:DisablePolicyType': {
      const type = param('policyType') ?? 'unknown';
      const guardrail = GUARDRAIL_TYPES.includes(type);
      return {
        severity: guardrail ? 'critical' : 'medium',
        what: `${type} policies disabled for ${param('rootId') ?? 'the root'}`,
        target: type,
      };
    }
    case 'organizations:DetachPolicy':
      // detaching FullAWSAccess denies more, it does not lift a guardrail
      return policy === 'p-FullAWSAccess'
        ? null
        : {
            severity: 'high',
            what: `policy ${policy} detached from ${param('targetId') ?? 'a target'}`,
            target: policy,
          };
    case 'organizations:DeletePolicy':
      return { severity: 'medium', what: `policy ${policy} deleted`, target: policy };
    case 'organizations:UpdatePolicy': {
      const content = request(event, 'content');
      const allowAll =
        allowsEverything(content) && !policyStatements(content).some((s) => at(s, 'Effect') === 'Deny');
      return allowAll
        ? {
            severity: 'high',
            what: `policy ${policy} replaced by one that allows everything`,
            target: policy,
          }
        : { severity: 'medium', what: `policy ${policy} changed`, target: policy };
    }
    case 'organizations:DisableAWSServiceAccess':
    case 'organizations:DeregisterDelegatedAdministrator': {
      const service = param('servicePrincipal') ?? 'unknown service';
      const what =
        event.action === 'organizations:DisableAWSServiceAccess'
          ? `trusted access of ${service} disabled`
          : `delegated administrator ${param('accountId') ?? 'unknown'} of ${service} deregistered`;
      return { severity: SECURITY_SERVICES.includes(service) ? 'high' : 'medium', what, target: service };
    }
    default: {
      const account = param('accountId') ?? 'unknown';
      return {
        severity: 'medium',
        what: `account ${account} moved from ${param('sourceParentId') ?? '?'} to ${param('destinationParentId') ?? '?'}`,
        target: account,
      };
    }
  }
}
