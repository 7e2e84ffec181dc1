import type { JsonValue, SecurityEvent, Severity } from '../../../../schemas/types.js';
import { requestAnyCase } from '../any-case.js';
import { isTrue } from '../flag.js';
import { outsidePrincipals, principalAccount } from '../policy-document.js';
import { scalar, scalars } from '../query-shape.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = { trustedAccounts: [] as string[] };

export const detection = cloudTrailRule({
  id: 'ec2-vpc-endpoint-exposed',
  title: 'VPC endpoint policy opened, or an endpoint service shared outside',
  description:
    'A VPC endpoint policy was opened: reset to full access or replaced by one that lets any principal do anything ' +
    "(an endpoint restricted to the organization's buckets or tables becomes a way out to the attacker's), or " +
    'written to grant another account (medium); or a PrivateLink endpoint service allowed connections from every ' +
    'AWS account (high) or from an account outside `trustedAccounts` (medium). Reads the EC2 call in its ' +
    '`<Action>Request` form and the flat form.',
  severity: 'medium',
  mitre: ['T1048', 'T1562.007'],
  tactics: ['exfiltration', 'defense-evasion'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html',
  remediation:
    'Put back the restrictive endpoint policy (`aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce> ' +
    '--policy-document file://policy.json`, e.g. limited with aws:ResourceOrgID / aws:PrincipalOrgID), and remove ' +
    'unexpected principals from an endpoint service (`aws ec2 modify-vpc-endpoint-service-permissions --service-id ' +
    '<vpce-svc> --remove-allowed-principals <arn>`).',
  actions: ['ec2:CreateVpcEndpoint', 'ec2:ModifyVpcEndpoint', 'ec2:ModifyVpcEndpointServicePermissions'],
  settings: (read) => ({
    trustedAccounts: read.accountIds('trustedAccounts', DEFAULT_PARAMS.trustedAccounts),
  }),
  match: (event, settings) => {
    const exposure =
      event.action === 'ec2:ModifyVpcEndpointServicePermissions'
        ? serviceExposure(event, settings.trustedAccounts)
        : endpointExposure(event, settings.trustedAccounts);
    if (exposure === null) return null;
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${exposure.id}`,
      severity: exposure.severity,
      title: `VPC endpoint ${exposure.id}: ${exposure.what} by ${who}`,
      description: `${who} called ${event.action} on ${exposure.id}: ${exposure.what}.`,
      resources: [{ type: 'AWS::EC2::VPCEndpoint', id: exposure.id, account: event.account }],
      context: { endpoint: exposure.id, change: exposure.what },
    };
  },
});

interface Exposure {
  id: string;
  what: string;
  severity: Severity;
}

/** A parameter of the call in its `<Action>Request` wrapper or flat, in either casing. */
function param(event: SecurityEvent, name: string): JsonValue | undefined {
  const wrapper = `${event.action.slice('ec2:'.length)}Request`;
  return requestAnyCase(event, wrapper, name) ?? requestAnyCase(event, name);
}

function endpointExposure(event: SecurityEvent, trusted: readonly string[]): Exposure | null {
  const id = scalar(param(event, 'VpcEndpointId')) ?? scalar(param(event, 'ServiceName')) ?? 'unknown';
  if (event.action === 'ec2:ModifyVpcEndpoint' && isTrue(param(event, 'ResetPolicy')))
    return { id, what: 'policy reset to full access for any principal', severity: 'medium' };
  const policy = param(event, 'PolicyDocument');
  if (policy === undefined) return null;
  const outside = outsidePrincipals(policy, event.account, trusted);
  const accounts = outside.filter((principal) => principal !== '*');
  if (accounts.length > 0) return { id, what: `policy grants ${accounts.join(', ')}`, severity: 'medium' };
  // a new endpoint's full-access policy is the default; replacing a policy with it removes the restriction
  return event.action === 'ec2:ModifyVpcEndpoint' && outside.includes('*')
    ? { id, what: 'policy opened to any principal', severity: 'medium' }
    : null;
}

function serviceExposure(event: SecurityEvent, trusted: readonly string[]): Exposure | null {
  const id = scalar(param(event, 'ServiceId')) ?? 'unknown';
  const added = scalars(param(event, 'AddAllowedPrincipals'));
  if (added.includes('*'))
    return { id, what: 'endpoint service open to every AWS account', severity: 'high' };
  const outside = added.filter((principal) => {
    const account = principalAccount(principal);
    return account !== null && account !== event.account && !trusted.includes(account);
  });
  return outside.length > 0
    ? { id, what: `endpoint service shared with ${outside.join(', ')}`, severity: 'medium' }
    : null;
}
