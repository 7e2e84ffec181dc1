import type { JsonObject } from '../../schemas/types.js';
import {
  apiCall,
  authorizeIngress,
  type CloudTrailRecord,
  CONSOLE_AGENT,
  consoleLogin,
  type Identity,
  READ_ONLY_CALLS,
  runInstances,
  serviceAssumeRole,
} from './cloudtrail-records.js';
import { type Account, LAUNCH_REGIONS, type Org, REGIONS } from './corpus-org.js';
import type { SeededRandom } from './random.js';
import { signInIdentity } from './sample-actors.js';

/** Calls instance-profile roles make from their instance (agents, SDKs): AssumedRole sessions named `i-…`. */
const INSTANCE_CALLS: readonly { call: string; readOnly: boolean }[] = [
  { call: 'ssm:UpdateInstanceInformation', readOnly: false },
  { call: 'ec2messages:GetMessages', readOnly: true },
  { call: 'sts:GetCallerIdentity', readOnly: true },
  { call: 'kms:Decrypt', readOnly: true },
  { call: 'secretsmanager:GetSecretValue', readOnly: true },
  { call: 's3:ListBuckets', readOnly: true },
];
const APPROVED_TYPES = ['t3.medium', 'm6i.large', 'c7g.xlarge', 't4g.small', 'r6i.large'];

/**
 * One background CloudTrail record at `time`, drawn at realistic proportions (~80% read-only): reads by
 * people and pipelines, sts:AssumeRole by services, calls of instance roles from their instance, routine
 * writes, approved and tagged launches in allowed regions, MFA console sign-ins, a few isolated failed
 * sign-ins and internal security-group rules. Nothing here should make a detection fire: that is what the
 * attack scenarios are for, so precision can be measured.
 *
 *   const record = backgroundCloudTrail(random, org, time);
 */
export function backgroundCloudTrail(random: SeededRandom, org: Org, time: number): CloudTrailRecord {
  const account = org.accounts[random.weighted(org.accountWeights)] as Account;
  const region = random.weighted(REGIONS);
  const kind = random.weighted<string>([
    [56, 'read'],
    [14, 'service-assume-role'],
    [10, 'instance'],
    [5, 'log-stream'],
    [4, 'tags'],
    [3, 'parameter'],
    [2, 'launch'],
    [3, 'login'],
    [0.5, 'failed-login'],
    [0.5, 'internal-ingress'],
  ]);
  const identity = random.pick(account.principals);
  const base = { time, account: account.id, region, identity };
  switch (kind) {
    case 'read': {
      const read = random.pick(READ_ONLY_CALLS);
      return apiCall(random, {
        ...base,
        call: read.call,
        readOnly: true,
        request: read.request(random, account.id),
      });
    }
    case 'service-assume-role':
      return serviceAssumeRole(random, {
        time,
        account: account.id,
        region,
        service: random.pick(['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com']),
        roleName: 'orders-api-lambda',
        sessionName: 'orders-api',
      });
    case 'instance': {
      const vpc = random.pick(account.vpcs);
      const instance = random.pick(vpc.instances);
      const call = random.pick(INSTANCE_CALLS);
      return apiCall(random, {
        time,
        account: account.id,
        region: vpc.region,
        identity: instance.identity,
        call: call.call,
        readOnly: call.readOnly,
        request: call.call === 'ssm:UpdateInstanceInformation' ? { instanceId: instance.id } : null,
      });
    }
    case 'log-stream':
      return apiCall(random, {
        ...base,
        call: 'logs:CreateLogStream',
        readOnly: false,
        request: {
          logGroupName: '/aws/lambda/orders-api',
          logStreamName: `2026/11/24/[$LATEST]${random.hex(32)}`,
        },
      });
    case 'tags':
      return apiCall(random, {
        ...base,
        call: 'ec2:CreateTags',
        readOnly: false,
        request: {
          resourcesSet: { items: [{ resourceId: random.pick(random.pick(account.vpcs).instances).id }] },
          tagSet: { items: [{ key: 'patch-group', value: 'weekly' }] },
        },
        response: { requestId: random.uuid(), _return: true },
      });
    case 'parameter':
      return apiCall(random, {
        ...base,
        call: 'ssm:PutParameter',
        readOnly: false,
        request: { name: '/web/log-level', type: 'String', overwrite: true },
        response: { version: random.int(2, 40), tier: 'Standard' },
      });
    case 'launch':
      return launch(
        random,
        account,
        random.pick(LAUNCH_REGIONS),
        identity,
        time,
        random.pick(APPROVED_TYPES),
      );
    case 'login':
      return consoleLogin(random, {
        time,
        account: account.id,
        identity: { ...consoleIdentity(identity), userAgent: CONSOLE_AGENT },
        success: true,
        mfa: true,
      });
    case 'failed-login':
      return consoleLogin(random, {
        time,
        account: account.id,
        identity: signInIdentity(account.id, userName(identity), scannerAddress(random), true),
        success: false,
        mfa: false,
      });
    default:
      return authorizeIngress(random, {
        ...base,
        groupId: `sg-0${random.hex(16)}`,
        port: random.pick([443, 5432, 6379]),
        cidr: '10.0.0.0/8',
        description: 'added by automation',
      });
  }
}

/** A tagged launch of one instance; `instanceProfileArn` gives it a profile. */
export function launch(
  random: SeededRandom,
  account: Account,
  region: string,
  identity: Identity,
  time: number,
  instanceType: string,
  options: { tags?: Record<string, string> | null; instanceProfileArn?: string; instanceIds?: string[] } = {},
): CloudTrailRecord {
  const instanceIds = options.instanceIds ?? [`i-0${random.hex(16)}`];
  const tags =
    options.tags === undefined
      ? { Name: `worker-${random.hex(4)}`, owner: 'platform', 'cost-center': 'cc-1042' }
      : options.tags;
  return runInstances(random, {
    time,
    account: account.id,
    region,
    identity,
    instanceType,
    instanceIds,
    privateIps: instanceIds.map(() => `10.${random.int(256)}.${random.int(256)}.${random.int(1, 255)}`),
    imageId: 'ami-0c7d68785ec07306c',
    subnetId: 'subnet-0e1f2a3b4c5d6e7fa',
    securityGroupId: 'sg-0a9b8c7d6e5f4a3b2',
    tags,
    ...(options.instanceProfileArn ? { instanceProfileArn: options.instanceProfileArn } : {}),
  });
}

/** An IAM user's console identity; an SSO session signs in as the user its name carries. */
function consoleIdentity(identity: Identity): Identity {
  const userIdentity = identity.userIdentity as JsonObject;
  if (userIdentity.type === 'IAMUser') return identity;
  return signInIdentity(String(userIdentity.accountId), userName(identity), identity.sourceIp, false);
}

export function userName(identity: Identity): string {
  const userIdentity = identity.userIdentity as JsonObject;
  if (typeof userIdentity.userName === 'string') return userIdentity.userName;
  return String(userIdentity.arn).split('/').at(-1)?.split('@')[0] ?? 'unknown';
}

/** Internet background noise: addresses drawn from a /8, so one rarely shows up twice. */
export function scannerAddress(random: SeededRandom): string {
  return `45.${random.int(256)}.${random.int(256)}.${random.int(1, 255)}`;
}
