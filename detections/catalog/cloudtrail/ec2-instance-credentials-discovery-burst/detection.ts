import { isIP } from 'node:net';
import type { SecurityEvent } from '../../../../schemas/types.js';
import { roleArnOf } from '../actor-kind.js';
import { cloudTrailBurst } from '../burst.js';
import { instanceSessionOf, isAgentCall } from '../instance-session.js';

/**
 * Services an instance calls to run itself (EKS and ECS nodes, the VPC CNI, cluster and load-balancer
 * controllers, log shippers): their Describe/List calls are housekeeping, not reconnaissance.
 */
const NODE_SERVICES = new Set([
  'ec2',
  'autoscaling',
  'elasticloadbalancing',
  'ecr',
  'ecs',
  'eks',
  'logs',
  'monitoring',
  'ssm',
  'ec2messages',
  'ssmmessages',
]);

/** Reconnaissance: List/Describe calls, the IAM reads, and "who am I". */
function isEnumeration(action: string): boolean {
  const [service = '', name = ''] = action.split(':');
  if (NODE_SERVICES.has(service)) return false;
  return (
    /^(List|Describe)/.test(name) ||
    (service === 'iam' && name.startsWith('Get')) ||
    action === 'sts:GetCallerIdentity'
  );
}

export const detection = cloudTrailBurst({
  id: 'ec2-instance-credentials-discovery-burst',
  title: 'Discovery burst with EC2 instance credentials',
  description:
    "An EC2 instance's role credentials enumerated the account: at least 4 different discovery calls (IAM " +
    'users, roles and policies, buckets, secrets, trails, detectors, "who am I") within 10 minutes. Workloads ' +
    'call the few APIs they need, again and again; walking through the account is what an attacker does first ' +
    "with an instance's credentials, on the instance or elsewhere. The instance's own housekeeping (EC2, Auto " +
    'Scaling, load balancer, ECR, ECS/EKS, CloudWatch, SSM agent calls) and calls AWS services make on its ' +
    'behalf are not counted; refused calls are.',
  severity: 'high',
  mitre: ['T1580', 'T1087.004', 'T1526'],
  tactics: ['discovery'],
  failedCalls: 'counted',
  stratus: ['aws.discovery.ec2-enumerate-from-instance'],
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/compromised-ec2.html',
  remediation:
    'Find what ran the calls on the instance (process and shell history; the user agent in the finding), ' +
    "isolate the instance if it is not a known tool (a security group that allows no traffic), revoke the role's " +
    'sessions (IAM console → Roles → <role> → Revoke active sessions), and trim the role to what the workload ' +
    'needs. For an inventory or CI tool that runs on the instance, allow-list its role for this detection.',
  actions: '*',
  rawContains: ['/i-'],
  // Calls AWS services make with the instance's credentials (source not an IP address) are not the instance's.
  include: (event: SecurityEvent) =>
    instanceSessionOf(event) !== null &&
    isIP(event.srcIp ?? '') !== 0 &&
    !isAgentCall(event) &&
    isEnumeration(event.action),
  // Instance ids are unique across accounts: the same key as the GuardDuty credential-use correlation, so the
  // ingest role publishes an instance's calls once for both.
  key: instanceSessionOf,
  distinct: (event) => event.action,
  atLeast: 4,
  windowMinutes: 10,
  finding: (burst) => {
    const last = burst.events.at(-1) as SecurityEvent;
    const instance = instanceSessionOf(last) ?? burst.key;
    const role = roleArnOf(last);
    const addresses = [...new Set(burst.events.map((event) => event.srcIp ?? 'AWS service'))].sort();
    const refused = burst.events.filter((event) => event.errorCode !== null).length;
    return {
      title: `${burst.values.length} discovery calls with the credentials of instance ${instance} within ${burst.windowMinutes} minutes`,
      description:
        `The role credentials of ${instance}${role ? ` (${role})` : ''} called ${burst.values.join(', ')} from ` +
        `${addresses.join(', ')}${refused > 0 ? `; ${refused} call(s) were refused` : ''}.`,
      resources: [
        { type: 'AWS::EC2::Instance', id: instance, account: last.account },
        ...(role ? [{ type: 'AWS::IAM::Role', id: role, account: last.account }] : []),
      ],
      context: {
        instanceId: instance,
        role: role ?? '',
        actions: burst.values.join(','),
        sourceIps: addresses.join(','),
      },
    };
  },
});
