import { addressRange } from '../../cidr.js';
import { field, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'vpc-endpoint-outside-access',
  title: 'VPC endpoint used by another account or from a public address',
  description:
    "A CloudTrail network activity event (AwsVpceEvent) shows an API call through one of the account's VPC " +
    'endpoints by a principal of another account, or from a public source address. Endpoints carry the ' +
    "workloads' own traffic: another account's credentials there suggest stolen keys used from inside the " +
    'network, or data moved to an outside account through the endpoint; a public address means the call did not ' +
    "come from the VPC's private range. Calls the endpoint policy refused count too (the attempt is the signal).",
  severity: 'medium',
  mitre: ['T1048', 'T1599'],
  tactics: ['exfiltration', 'lateral-movement'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.CloudTrail.VPCE.ExternalPrincipal', 'AWS.CloudTrail.VPCE.S3ExternalIP'] },
  runbook:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html',
  remediation:
    "Find the workload that made the call (flow logs of the endpoint's interfaces) and whose credentials it used; " +
    'restrict the endpoint policy to the organization (`aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce> ' +
    '--policy-document` with a Condition on aws:PrincipalOrgID and aws:ResourceOrgID), and rotate the credentials if ' +
    'they are not expected there.',
  actions: '*',
  rawContains: ['AwsVpceEvent'],
  match: (event) => {
    if (text(field(event, 'eventType')) !== 'AwsVpceEvent') return null;
    const endpoint = text(field(event, 'vpcEndpointId')) ?? 'unknown';
    const endpointAccount = text(field(event, 'vpcEndpointAccountId')) ?? event.account;
    const principalAccount = text(field(event, 'userIdentity', 'accountId'));
    const source = text(field(event, 'sourceIPAddress'));
    const external =
      principalAccount !== null && endpointAccount !== null && principalAccount !== endpointAccount;
    const range = source === null ? null : addressRange(source);
    const publicSource = range !== null && range.reach !== 'private';
    if (!external && !publicSource) return null;
    const reason = external ? `principal of account ${principalAccount}` : `public address ${source}`;
    const bucket = text(request(event, 'bucketName'));
    const call = bucket === null ? event.action : `${event.action} on ${bucket}`;
    const who = actor(event);
    return {
      key: `${endpoint}:${external ? principalAccount : source}`,
      title: `VPC endpoint ${endpoint} used by ${reason} (${call})`,
      description: `${who} called ${event.action} through VPC endpoint ${endpoint} of account ${endpointAccount ?? 'unknown'} as a ${reason}.`,
      resources: [{ type: 'AWS::EC2::VPCEndpoint', id: endpoint, account: endpointAccount }],
      context: { vpcEndpointId: endpoint, principalAccount: principalAccount ?? '', bucket: bucket ?? '' },
    };
  },
});
