import {
  assumedRole,
  CLI_AGENT,
  CONSOLE_AGENT,
  type Identity,
  iamUser,
  SDK_AGENT,
} from './cloudtrail-records.js';
import { SeededRandom } from './random.js';

/**
 * The simulated organisation behind the benchmark corpus: accounts of very different activity, regions,
 * people and pipelines, and per account and region a VPC with instances (each with an instance-profile role,
 * a network interface and addresses) whose flow log is written in version 2 or in a custom version 5 format.
 * Everything is derived from the seed, so the same seed gives the same organisation.
 *
 *   const org = buildOrg(new SeededRandom(1), { accounts: 24, principals: 2000 });
 *   random.weighted(org.accountWeights)
 */
export interface Org {
  accounts: readonly Account[];
  /** [weight, index] pairs: a few accounts carry most of the traffic. */
  accountWeights: readonly (readonly [number, number])[];
}

export interface Account {
  id: string;
  /** People and pipelines with their own access key or session. */
  principals: readonly Identity[];
  vpcs: readonly Vpc[];
  /** CloudTrail trail and GuardDuty detector, targets of the defence-evasion scenario. */
  trailName: string;
  detectorId: string;
}

export interface Vpc {
  region: string;
  id: string;
  flowLogId: string;
  /** v5 VPCs write the custom format (S3 only: a CloudWatch Logs subscription carries no header). */
  format: 'v2' | 'v5';
  subnetId: string;
  instances: readonly Instance[];
}

export interface Instance {
  id: string;
  eni: string;
  privateIp: string;
  /** Web servers have one; the rest sit behind the load balancer or NAT. */
  publicIp: string | null;
  role: 'web' | 'app' | 'db';
  roleName: string;
  /** The instance's role session (AssumedRole named after the instance id), as CloudTrail shows its calls. */
  identity: Identity;
}

/** Regions by share of activity: the three allowed for launches, and one only read from. */
export const REGIONS: readonly (readonly [number, string])[] = [
  [60, 'us-east-1'],
  [20, 'us-west-2'],
  [15, 'eu-west-1'],
  [5, 'ap-southeast-2'],
];
export const LAUNCH_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;
/** Where no account may launch instances (ec2-instance-forbidden-region's default allow-list excludes it). */
export const FORBIDDEN_REGION = 'ap-southeast-2';
export const SESSION_START = Date.UTC(2026, 10, 24);

export interface OrgOptions {
  accounts: number;
  /** Distinct people and pipelines over all accounts. */
  principals: number;
}

export function buildOrg(random: SeededRandom, options: OrgOptions): Org {
  const accounts: Account[] = [];
  for (let index = 0; index < options.accounts; index += 1) {
    const id = String(100000000000 + random.int(1, 899999999999)).padStart(12, '0');
    const share = Math.max(1, Math.round(options.principals / options.accounts));
    accounts.push({
      id,
      principals: Array.from({ length: share }, (_, n) => principal(random, id, index * share + n)),
      vpcs: LAUNCH_REGIONS.map((region, n) => vpc(random, id, region, (index + n) % 2 === 0 ? 'v2' : 'v5')),
      trailName: 'org-management-trail',
      detectorId: random.hex(32),
    });
  }
  // Zipf-like: the first accounts are busy, the last ones quiet.
  const accountWeights = accounts.map((_, index) => [1 / (index + 1), index] as const);
  return { accounts, accountWeights };
}

/** 3 in 5 IAM users with access keys, the rest SSO sessions, each from their own address. */
function principal(random: SeededRandom, account: string, index: number): Identity {
  const suffix = index.toString(36).toUpperCase().padStart(8, '0');
  const sourceIp = `198.51.${100 + (index % 100)}.${1 + (index % 250)}`;
  if (index % 5 >= 3) {
    return {
      userIdentity: assumedRole({
        account,
        roleName: 'AWSReservedSSO_Engineer_5f1c2a9b3d7e4f60',
        rolePath: '/aws-reserved/sso.amazonaws.com/',
        sessionName: `user-${index}@acme.example`,
        roleId: 'AROAQX7L2M4N6P8RENGIN',
        accessKeyId: `ASIAQX7L${suffix}${random.alnum(4)}`,
        sessionStart: SESSION_START,
        mfa: true,
      }),
      sourceIp,
      userAgent: index % 2 === 0 ? CONSOLE_AGENT : CLI_AGENT,
    };
  }
  return {
    userIdentity: iamUser(
      account,
      `user-${index}`,
      `AKIAQX7L${suffix}${random.alnum(4)}`,
      `AIDAQX7L${suffix}`,
    ),
    sourceIp,
    userAgent: index % 3 === 0 ? SDK_AGENT : CLI_AGENT,
  };
}

function vpc(random: SeededRandom, account: string, region: string, format: 'v2' | 'v5'): Vpc {
  const second = random.int(1, 250);
  const roles = ['web', 'web', 'app', 'app', 'app', 'db'] as const;
  const instances = roles.map((role, n): Instance => {
    const id = `i-0${random.hex(16)}`;
    const privateIp = `10.${second}.${n < 2 ? 1 : n < 5 ? 2 : 3}.${10 + n}`;
    const roleName = `${role}-instance-role`;
    return {
      id,
      eni: `eni-0${random.hex(16)}`,
      privateIp,
      publicIp: role === 'web' ? `54.${random.int(144, 240)}.${random.int(256)}.${random.int(1, 255)}` : null,
      role,
      roleName,
      identity: {
        userIdentity: assumedRole({
          account,
          roleName,
          sessionName: id,
          roleId: `AROA${random.alnum(17)}`,
          accessKeyId: `ASIA${random.alnum(16)}`,
          sessionStart: SESSION_START,
          mfa: false,
          ec2RoleDelivery: true,
        }),
        sourceIp: privateIp,
        userAgent: SDK_AGENT,
      },
    };
  });
  return {
    region,
    id: `vpc-0${random.hex(16)}`,
    flowLogId: `fl-0${random.hex(16)}`,
    format,
    subnetId: `subnet-0${random.hex(16)}`,
    instances,
  };
}

/** An organisation with a seed of its own, so changing the traffic options never changes it. */
export function seededOrg(seed: number, options: OrgOptions): Org {
  return buildOrg(new SeededRandom(seed * 7919 + 1), options);
}
