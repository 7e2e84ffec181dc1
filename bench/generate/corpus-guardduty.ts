import type { JsonObject } from '../../schemas/types.js';
import { isoSeconds } from './cloudtrail-records.js';
import type { Account, Instance, Org, Vpc } from './corpus-org.js';
import type { SeededRandom } from './random.js';

/** Low-severity finding types GuardDuty reports all day on internet-facing instances. */
const ROUTINE_TYPES: readonly (readonly [string, number, string])[] = [
  ['Recon:EC2/PortProbeUnprotectedPort', 2, 'Unprotected port on EC2 instance is being probed.'],
  ['UnauthorizedAccess:EC2/SSHBruteForce', 2, 'SSH brute force attacks against an EC2 instance.'],
  ['Recon:EC2/Portscan', 5, 'EC2 instance is performing outbound port scans to a remote host.'],
];

export interface GuardDutyInput {
  account: Account;
  vpc: Vpc;
  instance: Instance;
  type: string;
  severity: number;
  title: string;
  /** Event time (updatedAt), epoch ms. */
  time: number;
  remoteIp: string;
}

/**
 * A GuardDuty finding on an instance, as GuardDuty exports it (GuardDuty User Guide, "Finding format"): the
 * instance's network interface lists its own addresses, which the credential-use correlation excludes.
 *
 *   guardDutyFinding(random, { account, vpc, instance, type, severity: 8, title, time, remoteIp })
 */
export function guardDutyFinding(random: SeededRandom, input: GuardDutyInput): JsonObject {
  const id = random.hex(32);
  const { account, vpc, instance } = input;
  const networkInterface: JsonObject = {
    networkInterfaceId: instance.eni,
    privateIpAddress: instance.privateIp,
    subnetId: vpc.subnetId,
    vpcId: vpc.id,
    securityGroups: [{ groupId: 'sg-0b7e1c2d3a4f56789', groupName: instance.role }],
  };
  if (instance.publicIp) networkInterface.publicIp = instance.publicIp;
  return {
    schemaVersion: '2.0',
    accountId: account.id,
    region: vpc.region,
    partition: 'aws',
    id,
    arn: `arn:aws:guardduty:${vpc.region}:${account.id}:detector/${account.detectorId}/finding/${id}`,
    type: input.type,
    resource: {
      resourceType: 'Instance',
      instanceDetails: {
        instanceId: instance.id,
        instanceType: 'm6i.large',
        imageId: 'ami-0c7d68785ec07306c',
        instanceState: 'running',
        availabilityZone: `${vpc.region}a`,
        iamInstanceProfile: {
          arn: `arn:aws:iam::${account.id}:instance-profile/${instance.roleName}`,
          id: `AIPA${random.alnum(17)}`,
        },
        networkInterfaces: [networkInterface],
        tags: [{ key: 'Name', value: `${instance.role}-server` }],
      },
    },
    service: {
      serviceName: 'guardduty',
      detectorId: account.detectorId,
      action: {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: 'INBOUND',
          remoteIpDetails: { ipAddressV4: input.remoteIp, organization: { asn: '64500', asnOrg: 'Example' } },
          protocol: 'TCP',
          blocked: false,
        },
      },
      resourceRole: 'TARGET',
      eventFirstSeen: isoSeconds(input.time - 600_000),
      eventLastSeen: isoSeconds(input.time),
      archived: false,
      count: random.int(1, 20),
    },
    severity: input.severity,
    createdAt: new Date(input.time - 600_000).toISOString(),
    updatedAt: new Date(input.time).toISOString(),
    title: input.title,
    description: input.title,
  };
}

/** A routine low-severity finding (below the high-severity detection's 7) on a web server. */
export function backgroundGuardDuty(random: SeededRandom, org: Org, time: number): JsonObject {
  const account = org.accounts[random.weighted(org.accountWeights)] as Account;
  const vpc = random.pick(account.vpcs);
  const [type, severity, title] = random.pick(ROUTINE_TYPES);
  return guardDutyFinding(random, {
    account,
    vpc,
    instance: vpc.instances[random.int(2)] as Instance,
    type,
    severity,
    title,
    time,
    remoteIp: `45.${random.int(256)}.${random.int(256)}.${random.int(1, 255)}`,
  });
}
