import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { addressSet } from '../../address-set.js';
import { paramReader } from '../../params.js';
import { isPublicAddress } from '../../public-address.js';
import { actorKind, roleArnOf } from '../actor-kind.js';
import { instanceSessionOf, isAgentCall } from '../instance-session.js';
import { actor, callContext } from '../rule.js';

const ID = 'ec2-instance-credentials-external-use';

/**
 * `instanceEgressCidrs`: public addresses your instances call AWS from (NAT gateway and Elastic IPs, or the
 * ranges of your public subnets); calls from them are the instances themselves.
 */
export const DEFAULT_PARAMS = { instanceEgressCidrs: [] as string[] };

/**
 * A call made with an EC2 instance's role credentials (a session named after the instance) from a public
 * address that is not one of the instances' own egress addresses. Routes every action: any call may be the
 * stolen credentials' first use; the raw prefilter keeps only records of instance sessions.
 */
export const detection: Detection = {
  id: ID,
  title: 'EC2 instance credentials used from an outside address',
  description:
    "An EC2 instance's role credentials (delivered by the instance metadata service, session named after the " +
    "instance) called AWS from a public address that is not one of the instances' egress addresses " +
    '(`instanceEgressCidrs`). Instances call AWS from their own address, a NAT gateway or a VPC endpoint; the ' +
    'same credentials from elsewhere were most likely taken from the instance (SSRF to the metadata service, ' +
    "a compromised host) and are being replayed. Calls by AWS services on the instance's behalf, by the SSM " +
    'agent, and from private addresses are not reported. Configure the egress addresses, or this also reports ' +
    'instances in public subnets calling from their own public address.',
  severity: 'medium',
  mitre: ['T1552.005', 'T1078.004'],
  tactics: ['credential-access', 'defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.CloudTrail.IMDSCredentialExfiltration'] },
  stratus: ['aws.credential-access.ec2-steal-instance-credentials'],
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/findings-remediation.html#compromised-creds',
  remediation:
    "If the address is not yours, revoke the role's sessions now (IAM console → Roles → <role> → Revoke active " +
    'sessions), require IMDSv2 on the instance (`aws ec2 modify-instance-metadata-options --instance-id <id> ' +
    '--http-tokens required`), look for the SSRF or the compromise on the instance, and review every call the ' +
    'session made. If the address is yours, add it to `instanceEgressCidrs`.',
  routes: [{ source: 'cloudtrail', actions: '*', rawContains: ['/i-'] }],
  dedupPeriodMs: hours(1),
  operator: ({ params }) => {
    const egress = addressSet(
      paramReader(ID, params),
      ID,
      'instanceEgressCidrs',
      DEFAULT_PARAMS.instanceEgressCidrs,
    );
    return (events) =>
      events.pipe(
        filter((event) => isExternalUse(event) && !egress.has(event.srcIp ?? '')),
        map(externalUseFinding),
      );
  },
};

function isExternalUse(event: SecurityEvent): boolean {
  return (
    instanceSessionOf(event) !== null &&
    event.srcIp !== null &&
    isPublicAddress(event.srcIp) &&
    actorKind(event) !== 'service' &&
    !isAgentCall(event)
  );
}

function externalUseFinding(event: SecurityEvent) {
  const instance = instanceSessionOf(event) as string;
  const role = roleArnOf(event);
  const refused = event.errorCode !== null ? ` (refused: ${event.errorCode})` : '';
  return buildFinding(detection, {
    key: `${event.account ?? 'unknown'}:${instance}:${event.srcIp}`,
    trigger: event,
    title: `Credentials of instance ${instance} used from ${event.srcIp}: ${event.action}${refused}`,
    description:
      `${actor(event)} (the role credentials of ${instance}) called ${event.action} from ${event.srcIp}, which is ` +
      "not one of the instances' egress addresses. Treat the credentials as stolen until the address is explained.",
    resources: [
      { type: 'AWS::EC2::Instance', id: instance, account: event.account },
      ...(role ? [{ type: 'AWS::IAM::Role', id: role, account: event.account }] : []),
    ],
    context: { ...callContext(event), instanceId: instance, role: role ?? '' },
  });
}
