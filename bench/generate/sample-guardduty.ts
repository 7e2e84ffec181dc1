import type { JsonObject } from '../../schemas/types.js';
import { isoSeconds } from './cloudtrail-records.js';
import type { SeededRandom } from './random.js';
import { ATTACKER_IP, at, PROD, SANDBOX, WEB_INSTANCE, WEB_ROLE_KEY } from './sample-actors.js';

/**
 * GuardDuty findings of the sample day (GuardDuty User Guide, "Finding format" and "Finding types";
 * shapes cross-checked with the GuardDuty findings in test/corpus/panther/rules.json). Findings are
 * published after the activity they describe: `updatedAt` (the event time) runs 11:01-11:45.
 *
 *   const { findings, raw } = sampleGuardDuty(new SeededRandom(7));
 */
export interface GuardDutySamples {
  /** Findings in publication order; one is re-sent later with a higher count. */
  findings: JsonObject[];
  /** One more finding, as exported without the EventBridge wrapper. */
  raw: JsonObject;
}

const DETECTORS: Record<string, string> = {
  [PROD]: 'a2c4e6f8b0d2e4f6a8c0e2f4a6b8c0d2',
  [SANDBOX]: 'c6e8a0b2d4f6c8e0a2b4d6f8a0c2e4b6',
};

interface FindingInput {
  id: string;
  type: string;
  severity: number;
  account: string;
  title: string;
  description: string;
  resource: JsonObject;
  action: JsonObject;
  resourceRole: 'TARGET' | 'ACTOR';
  firstSeen: number;
  lastSeen: number;
  createdAt: number;
  updatedAt: number;
  count: number;
}

function finding(input: FindingInput): JsonObject {
  const detectorId = DETECTORS[input.account] as string;
  return {
    schemaVersion: '2.0',
    accountId: input.account,
    region: 'us-east-1',
    partition: 'aws',
    id: input.id,
    arn: `arn:aws:guardduty:us-east-1:${input.account}:detector/${detectorId}/finding/${input.id}`,
    type: input.type,
    resource: input.resource,
    service: {
      serviceName: 'guardduty',
      detectorId,
      action: input.action,
      resourceRole: input.resourceRole,
      additionalInfo: { value: '{}', type: 'default' },
      evidence: null,
      eventFirstSeen: isoSeconds(input.firstSeen),
      eventLastSeen: isoSeconds(input.lastSeen),
      archived: false,
      count: input.count,
    },
    severity: input.severity,
    createdAt: new Date(input.createdAt).toISOString(),
    updatedAt: new Date(input.updatedAt).toISOString(),
    title: input.title,
    description: input.description,
  };
}

function instance(
  id: string,
  type: string,
  privateIp: string,
  publicIp: string | null,
  profile: string,
  tags: Record<string, string>,
): JsonObject {
  const networkInterface: JsonObject = {
    networkInterfaceId: `eni-${id.slice(2)}`,
    privateIpAddress: privateIp,
    privateDnsName: `ip-${privateIp.replaceAll('.', '-')}.ec2.internal`,
    subnetId: 'subnet-0e1f2a3b4c5d6e7fa',
    vpcId: 'vpc-0a1b2c3d4e5f6a7b8',
    securityGroups: [{ groupId: 'sg-0b7e1c2d3a4f56789', groupName: 'web' }],
  };
  if (publicIp) networkInterface.publicIp = publicIp;
  return {
    resourceType: 'Instance',
    instanceDetails: {
      instanceId: id,
      instanceType: type,
      launchTime: '2026-11-02T08:14:51.000Z',
      platform: null,
      imageId: 'ami-0c7d68785ec07306c',
      instanceState: 'running',
      availabilityZone: 'us-east-1a',
      iamInstanceProfile: { arn: profile, id: 'AIPAQX7L2M4N6P8RWEBPR' },
      networkInterfaces: [networkInterface],
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    },
  };
}

function remoteIp(ip: string, country: string, org: string): JsonObject {
  return {
    ipAddressV4: ip,
    organization: { asn: '64500', asnOrg: org, isp: org, org },
    country: { countryName: country },
    city: { cityName: '' },
    geoLocation: { lat: 0, lon: 0 },
  };
}

const webServer = instance(
  WEB_INSTANCE.id,
  'm6i.large',
  WEB_INSTANCE.privateIp,
  WEB_INSTANCE.publicIp,
  `arn:aws:iam::${PROD}:instance-profile/web-app-profile`,
  { Name: 'web-1', owner: 'web', 'cost-center': 'cc-1042' },
);

function dns(domain: string): JsonObject {
  return { actionType: 'DNS_REQUEST', dnsRequestAction: { domain, protocol: 'UDP', blocked: false } };
}

function sshInbound(ip: string, port: number): JsonObject {
  return {
    actionType: 'NETWORK_CONNECTION',
    networkConnectionAction: {
      connectionDirection: 'INBOUND',
      remoteIpDetails: remoteIp(ip, 'Unknown', 'Example Hosting'),
      remotePortDetails: { port, portName: 'Unknown' },
      localPortDetails: { port: 22, portName: 'SSH' },
      protocol: 'TCP',
      blocked: false,
      localIpDetails: { ipAddressV4: WEB_INSTANCE.privateIp },
    },
  };
}

export function sampleGuardDuty(random: SeededRandom): GuardDutySamples {
  const id = () => random.hex(32);
  const miner = instance(
    'i-0b9c8d7e6f5a4b3c2',
    'c6i.2xlarge',
    '10.20.4.17',
    null,
    `arn:aws:iam::${SANDBOX}:instance-profile/ci-runner`,
    { Name: 'ci-runner', owner: 'ci', 'cost-center': 'cc-2001' },
  );
  const minerId = id();
  const cryptoMining = (count: number, updatedAt: number) =>
    finding({
      id: minerId,
      type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
      severity: 8,
      account: SANDBOX,
      title: 'Bitcoin-related domain name queried by EC2 instance i-0b9c8d7e6f5a4b3c2.',
      description:
        'EC2 instance i-0b9c8d7e6f5a4b3c2 is querying a domain name that is associated with Bitcoin-related activity.',
      resource: miner,
      action: dns('pool.minexmr.example'),
      resourceRole: 'ACTOR',
      firstSeen: at(10, 52),
      lastSeen: updatedAt - 120_000,
      createdAt: at(11, 12),
      updatedAt,
      count,
    });
  const findings = [
    finding({
      id: id(),
      type: 'UnauthorizedAccess:EC2/SSHBruteForce',
      severity: 2,
      account: PROD,
      title: `203.0.113.77 is performing SSH brute force attacks against ${WEB_INSTANCE.id}.`,
      description: `203.0.113.77 is performing SSH brute force attacks against ${WEB_INSTANCE.id}. Brute force attacks are used to gain unauthorized access to your instance by guessing the SSH password.`,
      resource: webServer,
      action: sshInbound(ATTACKER_IP, 40122),
      resourceRole: 'TARGET',
      firstSeen: at(9, 52),
      lastSeen: at(10, 58, 40),
      createdAt: at(10, 4),
      updatedAt: at(11, 1, 30),
      count: 184,
    }),
    finding({
      id: id(),
      type: 'Recon:EC2/PortProbeUnprotectedPort',
      severity: 2,
      account: PROD,
      title: `Unprotected port on EC2 instance ${WEB_INSTANCE.id} is being probed.`,
      description: `EC2 instance ${WEB_INSTANCE.id} has an unprotected port 22 which is being probed by a known malicious host.`,
      resource: webServer,
      action: {
        actionType: 'PORT_PROBE',
        portProbeAction: {
          blocked: false,
          portProbeDetails: [
            {
              localPortDetails: { port: 22, portName: 'SSH' },
              remoteIpDetails: remoteIp('198.51.100.200', 'Unknown', 'Example Transit'),
              localIpDetails: { ipAddressV4: WEB_INSTANCE.privateIp },
            },
          ],
        },
      },
      resourceRole: 'TARGET',
      firstSeen: at(9, 37),
      lastSeen: at(11, 0, 10),
      createdAt: at(9, 55),
      updatedAt: at(11, 3),
      count: 12,
    }),
    finding({
      id: id(),
      type: 'UnauthorizedAccess:EC2/SSHBruteForce',
      severity: 5,
      account: SANDBOX,
      title: '192.0.2.150 is performing SSH brute force attacks against i-0d9e8f7a6b5c4d3e1.',
      description: '192.0.2.150 is performing SSH brute force attacks against i-0d9e8f7a6b5c4d3e1.',
      resource: instance(
        'i-0d9e8f7a6b5c4d3e1',
        't3.small',
        '10.20.1.8',
        '18.208.44.9',
        `arn:aws:iam::${SANDBOX}:instance-profile/bastion`,
        {
          Name: 'bastion',
          owner: 'platform',
          'cost-center': 'cc-2001',
        },
      ),
      action: sshInbound('192.0.2.150', 51514),
      resourceRole: 'TARGET',
      firstSeen: at(10, 31),
      lastSeen: at(11, 2),
      createdAt: at(11, 6, 40),
      updatedAt: at(11, 6, 40),
      count: 96,
    }),
    finding({
      id: id(),
      type: 'Backdoor:EC2/C&CActivity.B!DNS',
      severity: 8,
      account: PROD,
      title: `Command and Control server domain name queried by EC2 instance ${WEB_INSTANCE.id}.`,
      description: `EC2 instance ${WEB_INSTANCE.id} is querying a domain name associated with a known Command & Control server.`,
      resource: webServer,
      action: dns('update.c2-relay.example'),
      resourceRole: 'ACTOR',
      firstSeen: at(11, 0, 5),
      lastSeen: at(11, 8),
      createdAt: at(11, 10),
      updatedAt: at(11, 10),
      count: 4,
    }),
    cryptoMining(3, at(11, 12)),
    finding({
      id: id(),
      type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
      severity: 8,
      account: PROD,
      title: `Credentials for instance role web-app-role used from external IP address.`,
      description: `Credentials created exclusively for an EC2 instance using instance role web-app-role have been used from external IP address ${ATTACKER_IP}.`,
      resource: {
        resourceType: 'AccessKey',
        accessKeyDetails: {
          accessKeyId: WEB_ROLE_KEY,
          principalId: `AROAQX7L2M4N6P8RWEBAP:${WEB_INSTANCE.id}`,
          userName: 'web-app-role',
          userType: 'AssumedRole',
        },
      },
      action: {
        actionType: 'AWS_API_CALL',
        awsApiCallAction: {
          api: 'ListBuckets',
          serviceName: 's3.amazonaws.com',
          callerType: 'Remote IP',
          remoteIpDetails: remoteIp(ATTACKER_IP, 'Unknown', 'Example Hosting'),
          affectedResources: {},
        },
      },
      resourceRole: 'TARGET',
      firstSeen: at(11, 2, 10),
      lastSeen: at(11, 5),
      createdAt: at(11, 20),
      updatedAt: at(11, 20),
      count: 6,
    }),
    finding({
      id: id(),
      type: 'Policy:S3/BucketBlockPublicAccessDisabled',
      severity: 2,
      account: PROD,
      title: 'Amazon S3 Block Public Access was disabled for S3 bucket acme-web-assets.',
      description:
        'Amazon S3 Block Public Access was disabled for S3 bucket acme-web-assets by alice calling DeletePublicAccessBlock.',
      resource: {
        resourceType: 'S3Bucket',
        accessKeyDetails: {
          accessKeyId: 'AKIAQX7L2M4N6P8RALIC',
          principalId: 'AIDAQX7L2M4N6P8RALICE',
          userName: 'alice',
          userType: 'IAMUser',
        },
        s3BucketDetails: [
          {
            name: 'acme-web-assets',
            arn: 'arn:aws:s3:::acme-web-assets',
            type: 'Destination',
            createdAt: '2025-03-10T12:00:00.000Z',
            owner: { id: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2' },
            defaultServerSideEncryption: { encryptionType: 'AES256' },
            publicAccess: { effectivePermission: 'NOT_PUBLIC' },
          },
        ],
      },
      action: {
        actionType: 'AWS_API_CALL',
        awsApiCallAction: {
          api: 'DeletePublicAccessBlock',
          serviceName: 's3.amazonaws.com',
          callerType: 'Remote IP',
          remoteIpDetails: remoteIp('198.51.100.14', 'Unknown', 'Acme Corp'),
          affectedResources: { 'AWS::S3::Bucket': 'acme-web-assets' },
        },
      },
      resourceRole: 'TARGET',
      firstSeen: at(10, 44),
      lastSeen: at(10, 44),
      createdAt: at(11, 25),
      updatedAt: at(11, 25),
      count: 1,
    }),
    // The miner keeps querying: GuardDuty re-sends the same finding id with a higher count.
    cryptoMining(17, at(11, 38)),
  ];
  const raw = finding({
    id: id(),
    type: 'UnauthorizedAccess:EC2/TorIPCaller',
    severity: 5,
    account: SANDBOX,
    title: 'EC2 instance i-0d9e8f7a6b5c4d3e1 is receiving inbound connections from a Tor exit node.',
    description:
      'EC2 instance i-0d9e8f7a6b5c4d3e1 is receiving inbound connections from Tor exit node 192.0.2.201.',
    resource: instance(
      'i-0d9e8f7a6b5c4d3e1',
      't3.small',
      '10.20.1.8',
      '18.208.44.9',
      `arn:aws:iam::${SANDBOX}:instance-profile/bastion`,
      {
        Name: 'bastion',
        owner: 'platform',
        'cost-center': 'cc-2001',
      },
    ),
    action: sshInbound('192.0.2.201', 44001),
    resourceRole: 'TARGET',
    firstSeen: at(11, 30),
    lastSeen: at(11, 41),
    createdAt: at(11, 45),
    updatedAt: at(11, 45),
    count: 3,
  });
  return { findings, raw };
}
