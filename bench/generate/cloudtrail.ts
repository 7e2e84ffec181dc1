import type { JsonObject } from '../../schemas/types.js';
import {
  apiCall,
  assumedRole,
  authorizeIngress,
  CLI_AGENT,
  type CloudTrailRecord,
  CONSOLE_AGENT,
  consoleLogin,
  type Identity,
  iamUser,
  READ_ONLY_CALLS,
  runInstances,
  SDK_AGENT,
  serviceAssumeRole,
} from './cloudtrail-records.js';
import { SeededRandom } from './random.js';

export interface CloudTrailGeneratorOptions {
  records: number;
  /** Default 1. */
  seed?: number;
  /** Distinct principals (default 200); the first `principals` records made by a principal each use a new one. */
  principals?: number;
  /** Epoch ms of the first record (default 2026-11-24T00:00:00Z). */
  start?: number;
}

export const DEFAULT_START = Date.UTC(2026, 10, 24);
const ACCOUNTS = ['111122223333', '444455556666', '210987654321', '123412341234', '555566667777'] as const;
const REGIONS = [
  [80, 'us-east-1'],
  [12, 'us-west-2'],
  [8, 'eu-west-1'],
] as const;
/** A burst of large launches in one account every this many records, so windowed detections have work. */
const BURST_EVERY = 50_000;
const BURST_TYPES = [
  'c6i.8xlarge',
  'm6i.12xlarge',
  'r6i.16xlarge',
  'c7g.8xlarge',
  'm7g.16xlarge',
  'c6i.24xlarge',
];

/**
 * Deterministic CloudTrail records for the replay benchmark, lazily (constant memory): ~80% reads,
 * routine writes, sign-ins (a few failed), and every 50,000 records a burst of 6 large launches.
 * Time advances 1-10 ms per record from `start`; 5% of records are up to 50 s behind (out of order).
 *
 *   for (const record of generateCloudTrail({ records: 1000, seed: 7 })) write(JSON.stringify(record));
 */
export function* generateCloudTrail(options: CloudTrailGeneratorOptions): Generator<CloudTrailRecord> {
  const random = new SeededRandom(options.seed ?? 1);
  const principals = options.principals ?? 200;
  if (!Number.isInteger(options.records) || options.records < 0)
    throw new Error('records must be an integer >= 0');
  if (!Number.isInteger(principals) || principals < 1) throw new Error('principals must be an integer >= 1');
  const start = options.start ?? DEFAULT_START;
  let clock = start;
  let introduced = 0;
  const nextPrincipal = () => principal(introduced < principals ? introduced++ : random.int(principals));
  for (let n = 0; n < options.records; n += 1) {
    clock += random.int(1, 11);
    if (n % BURST_EVERY === BURST_EVERY / 2 && options.records - n >= BURST_TYPES.length) {
      const account = random.pick(ACCOUNTS);
      const identity = principal(ACCOUNTS.indexOf(account));
      for (const instanceType of BURST_TYPES) {
        clock += random.int(200, 2_000);
        yield launch(random, { time: clock, account, region: 'us-east-1', identity, instanceType });
      }
      n += BURST_TYPES.length - 1;
      continue;
    }
    const time = random.chance(0.05) ? Math.max(start, clock - random.int(0, 50_000)) : clock;
    yield routineRecord(random, time, nextPrincipal);
  }
}

/** Principal `index`: 3 in 4 are IAM users with access keys, the rest SSO sessions; accounts in turn. */
function principal(index: number): Identity {
  const account = ACCOUNTS[index % ACCOUNTS.length] as string;
  const id = index.toString(32).toUpperCase().padStart(12, 'A');
  const ip = `198.51.100.${index % 250}`;
  if (index % 4 === 3) {
    return {
      userIdentity: assumedRole({
        account,
        roleName: 'AWSReservedSSO_Engineer_5f1c2a9b3d7e4f60',
        rolePath: '/aws-reserved/sso.amazonaws.com/',
        sessionName: `user-${index}@acme.example`,
        roleId: 'AROAQX7L2M4N6P8RENGIN',
        accessKeyId: `ASIAQX7L${id}`,
        sessionStart: DEFAULT_START,
        mfa: true,
      }),
      sourceIp: ip,
      userAgent: index % 2 === 0 ? CONSOLE_AGENT : CLI_AGENT,
    };
  }
  return {
    userIdentity: iamUser(account, `user-${index}`, `AKIAQX7L${id}`, `AIDAQX7L2M${id}`),
    sourceIp: ip,
    userAgent: index % 3 === 0 ? SDK_AGENT : CLI_AGENT,
  };
}

function launch(
  random: SeededRandom,
  o: { time: number; account: string; region: string; identity: Identity; instanceType: string },
): CloudTrailRecord {
  const instanceId = `i-0${random.hex(16)}`;
  return runInstances(random, {
    ...o,
    instanceIds: [instanceId],
    privateIps: [`10.${random.int(256)}.${random.int(256)}.${random.int(1, 255)}`],
    imageId: 'ami-0c7d68785ec07306c',
    subnetId: 'subnet-0e1f2a3b4c5d6e7fa',
    securityGroupId: 'sg-0a9b8c7d6e5f4a3b2',
    tags: { Name: `worker-${instanceId.slice(-4)}`, owner: 'platform', 'cost-center': 'cc-1042' },
  });
}

/** One routine record; `nextPrincipal` is called only for records a principal makes (not AWS services). */
function routineRecord(random: SeededRandom, time: number, nextPrincipal: () => Identity): CloudTrailRecord {
  const region = random.weighted(REGIONS);
  const kind = random.weighted<string>([
    [60, 'read'],
    [20, 'service-assume-role'],
    [5, 'log-stream'],
    [4, 'tags'],
    [3, 'parameter'],
    [3, 'launch'],
    [3, 'login'],
    [1, 'failed-login'],
    [0.5, 'internal-ingress'],
    [0.05, 'world-ingress'],
  ]);
  if (kind === 'service-assume-role') {
    return serviceAssumeRole(random, {
      time,
      account: random.pick(ACCOUNTS),
      region,
      service: 'lambda.amazonaws.com',
      roleName: 'orders-api-lambda',
      sessionName: 'orders-api',
    });
  }
  const identity = nextPrincipal();
  const account = String((identity.userIdentity as JsonObject).accountId);
  const base = { time, account, region, identity };
  switch (kind) {
    case 'read': {
      const read = random.pick(READ_ONLY_CALLS);
      return apiCall(random, {
        ...base,
        call: read.call,
        readOnly: true,
        request: read.request(random, account),
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
          resourcesSet: { items: [{ resourceId: `i-0${random.hex(16)}` }] },
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
      return launch(random, {
        ...base,
        instanceType: random.pick(['t3.medium', 'm6i.large', 'c7g.xlarge', 't4g.small']),
      });
    case 'login':
    case 'failed-login':
      return consoleLogin(random, {
        time,
        account,
        identity: { ...identity, userAgent: CONSOLE_AGENT },
        success: kind === 'login',
        mfa: kind === 'login',
      });
    default:
      return authorizeIngress(random, {
        ...base,
        groupId: `sg-0${random.hex(16)}`,
        port: random.pick([22, 443, 5432]),
        cidr: kind === 'world-ingress' ? '0.0.0.0/0' : '10.0.0.0/8',
        description: 'added by automation',
      });
  }
}
