import {
  apiCall,
  type CloudTrailRecord,
  type Identity,
  READ_ONLY_CALLS,
  runInstances,
  serviceAssumeRole,
} from './cloudtrail-records.js';
import type { SeededRandom } from './random.js';

/** Routine traffic of one account and region: the ~80% reads and harmless writes around the stories. */
export interface BackgroundSpec {
  from: number;
  to: number;
  count: number;
  account: string;
  regions: readonly string[];
  /** People and pipelines that read (and occasionally tag or launch tagged instances). */
  actors: readonly Identity[];
  /** The workload whose agent checks in with SSM (omit for none). */
  agent?: Identity;
  /** Share of calls that are read-only (default 0.86, so reads stay ~80% next to the stories). */
  readShare?: number;
}

const SERVICE_ROLES = [
  ['lambda.amazonaws.com', 'orders-api-lambda', 'orders-api'],
  ['ecs-tasks.amazonaws.com', 'checkout-task-role', 'checkout-7f9c2b'],
  ['ec2.amazonaws.com', 'web-app-role', 'i-0a1b2c3d4e5f67890'],
] as const;

/** Background records in time order; every harmless launch carries the required tags. */
export function background(random: SeededRandom, spec: BackgroundSpec): CloudTrailRecord[] {
  const records: CloudTrailRecord[] = [];
  const step = (spec.to - spec.from) / spec.count;
  for (let i = 0; i < spec.count; i += 1) {
    const time = Math.floor(spec.from + i * step + random.next() * step);
    const region = random.chance(0.85) ? (spec.regions[0] as string) : random.pick(spec.regions);
    const base = { time, account: spec.account, region };
    if (random.chance(spec.readShare ?? 0.86)) {
      if (random.chance(0.25)) {
        const [service, roleName, sessionName] = random.pick(SERVICE_ROLES);
        records.push(serviceAssumeRole(random, { ...base, service, roleName, sessionName }));
        continue;
      }
      const read = random.pick(READ_ONLY_CALLS);
      const identity = random.pick(spec.actors);
      records.push(
        apiCall(random, {
          ...base,
          identity,
          call: read.call,
          readOnly: true,
          request: read.request(random, spec.account),
        }),
      );
      continue;
    }
    records.push(harmlessWrite(random, spec, base));
  }
  return records;
}

function harmlessWrite(
  random: SeededRandom,
  spec: BackgroundSpec,
  base: { time: number; account: string; region: string },
): CloudTrailRecord {
  const identity = random.pick(spec.actors);
  const kind = random.weighted<string>([
    [spec.agent ? 4 : 0, 'ssm'],
    [3, 'log-stream'],
    [2, 'tags'],
    [1, 'launch'],
    [1, 'parameter'],
  ]);
  if (kind === 'ssm' && spec.agent) {
    return apiCall(random, {
      ...base,
      region: spec.regions[0] as string,
      identity: spec.agent,
      call: 'ssm:UpdateInstanceInformation',
      readOnly: false,
      request: {
        instanceId: 'i-0a1b2c3d4e5f67890',
        agentVersion: '3.3.987.0',
        platformType: 'Linux',
        agentStatus: 'Active',
      },
    });
  }
  if (kind === 'log-stream') {
    return apiCall(random, {
      ...base,
      identity,
      call: 'logs:CreateLogStream',
      readOnly: false,
      request: {
        logGroupName: '/aws/lambda/orders-api',
        logStreamName: `2026/11/24/[$LATEST]${random.hex(32)}`,
      },
    });
  }
  const instanceId = `i-0${random.hex(16)}`;
  if (kind === 'tags') {
    return apiCall(random, {
      ...base,
      identity,
      call: 'ec2:CreateTags',
      readOnly: false,
      request: {
        resourcesSet: { items: [{ resourceId: instanceId }] },
        tagSet: { items: [{ key: 'patch-group', value: random.pick(['weekly', 'monthly']) }] },
      },
      response: { requestId: random.uuid(), _return: true },
    });
  }
  if (kind === 'launch') {
    return runInstances(random, {
      ...base,
      identity,
      instanceType: random.pick(['t3.medium', 't3.large', 'm6i.large', 'c7g.xlarge', 't4g.small']),
      instanceIds: [instanceId],
      privateIps: [`10.0.${random.int(1, 4)}.${random.int(10, 250)}`],
      imageId: 'ami-0c7d68785ec07306c',
      subnetId: 'subnet-0e1f2a3b4c5d6e7fa',
      securityGroupId: 'sg-0a9b8c7d6e5f4a3b2',
      tags: {
        Name: `worker-${random.hex(4)}`,
        owner: random.pick(['platform', 'payments', 'web']),
        'cost-center': 'cc-1042',
      },
      instanceProfileArn: `arn:aws:iam::${base.account}:instance-profile/web-app-profile`,
    });
  }
  return apiCall(random, {
    ...base,
    identity,
    call: 'ssm:PutParameter',
    readOnly: false,
    request: { name: '/web/log-level', type: 'String', overwrite: true },
    response: { version: random.int(2, 40), tier: 'Standard' },
  });
}
