import type { JsonObject, JsonValue } from '../../schemas/types.js';
import type { SeededRandom } from './random.js';

/**
 * Builders of CloudTrail records in the shape CloudTrail writes them (CloudTrail User Guide, "CloudTrail
 * record contents"; shapes cross-checked with the records in test/corpus/panther/rules.json). Shared by
 * the samples and the benchmark generator so both carry the same kinds of events.
 *
 *   const record = apiCall(random, { time, identity: iamUser('111122223333', 'alice', 'AKIA...'), call: 'ec2:DescribeInstances', ... });
 */
export type CloudTrailRecord = JsonObject;

/** `userIdentity` as CloudTrail writes it, plus the facts other records derive from it. */
export interface Identity {
  userIdentity: JsonObject;
  sourceIp: string;
  userAgent: string;
}

export const CLI_AGENT = 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22 prompt/off';
export const CONSOLE_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
export const SDK_AGENT =
  'aws-sdk-js/3.687.0 ua/2.1 os/linux#6.1.112 lang/js md/nodejs#20.18.0 api/ec2#3.687.0';

/** CloudTrail writes event times to the second, in UTC with `Z`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function iamUser(
  account: string,
  userName: string,
  accessKeyId: string,
  principalId: string,
): JsonObject {
  return {
    type: 'IAMUser',
    principalId,
    arn: `arn:aws:iam::${account}:user/${userName}`,
    accountId: account,
    accessKeyId,
    userName,
  };
}

export function assumedRole(o: {
  account: string;
  roleName: string;
  rolePath?: string;
  sessionName: string;
  roleId: string;
  accessKeyId: string;
  sessionStart: number;
  mfa: boolean;
  ec2RoleDelivery?: boolean;
}): JsonObject {
  const identity: JsonObject = {
    type: 'AssumedRole',
    principalId: `${o.roleId}:${o.sessionName}`,
    arn: `arn:aws:sts::${o.account}:assumed-role/${o.roleName}/${o.sessionName}`,
    accountId: o.account,
    accessKeyId: o.accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: o.roleId,
        arn: `arn:aws:iam::${o.account}:role${o.rolePath ?? '/'}${o.roleName}`,
        accountId: o.account,
        userName: o.roleName,
      },
      attributes: { creationDate: isoSeconds(o.sessionStart), mfaAuthenticated: String(o.mfa) },
    },
  };
  if (o.ec2RoleDelivery) (identity.sessionContext as JsonObject).ec2RoleDelivery = '2.0';
  return identity;
}

export function rootIdentity(account: string, accessKeyId = ''): JsonObject {
  return {
    type: 'Root',
    principalId: account,
    arn: `arn:aws:iam::${account}:root`,
    accountId: account,
    accessKeyId,
  };
}

export function awsServiceIdentity(service: string): JsonObject {
  return { type: 'AWSService', invokedBy: service };
}

export interface ApiCallInput {
  time: number;
  account: string;
  region: string;
  identity: Identity;
  /** `service:EventName`, e.g. `ec2:DescribeInstances` (service = eventSource minus `.amazonaws.com`). */
  call: string;
  readOnly: boolean;
  request?: JsonValue;
  response?: JsonValue;
  /** A failed call; failed console sign-ins carry only a message. */
  error?: { code?: string; message: string };
  eventType?: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  additionalEventData?: JsonObject;
  resources?: JsonObject[];
  /** Calls made from the console carry this flag. */
  fromConsole?: boolean;
}

/** One CloudTrail management-event record with fresh eventID/requestID drawn from `random`. */
export function apiCall(random: SeededRandom, input: ApiCallInput): CloudTrailRecord {
  const [service, eventName] = input.call.split(':') as [string, string];
  const record: CloudTrailRecord = {
    eventVersion: '1.10',
    userIdentity: input.identity.userIdentity,
    eventTime: isoSeconds(input.time),
    eventSource: `${service}.amazonaws.com`,
    eventName,
    awsRegion: input.region,
    sourceIPAddress: input.identity.sourceIp,
    userAgent: input.identity.userAgent,
  };
  if (input.error?.code) record.errorCode = input.error.code;
  if (input.error) record.errorMessage = input.error.message;
  record.requestParameters = input.request ?? null;
  record.responseElements = input.error?.code ? null : (input.response ?? null);
  if (input.additionalEventData) record.additionalEventData = input.additionalEventData;
  if (input.eventType !== 'AwsConsoleSignIn') record.requestID = random.uuid();
  record.eventID = random.uuid();
  record.readOnly = input.readOnly;
  if (input.resources) record.resources = input.resources;
  record.eventType = input.eventType ?? 'AwsApiCall';
  record.managementEvent = true;
  record.recipientAccountId = input.account;
  record.eventCategory = 'Management';
  if (input.eventType !== 'AwsConsoleSignIn' && !input.identity.sourceIp.endsWith('.amazonaws.com')) {
    record.tlsDetails = {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${service}.${input.region}.amazonaws.com`,
    };
  }
  if (input.fromConsole) record.sessionCredentialFromConsole = 'true';
  return record;
}

/** A console sign-in: success (with or without MFA) or "Failed authentication". */
export function consoleLogin(
  random: SeededRandom,
  o: { time: number; account: string; identity: Identity; success: boolean; mfa: boolean },
): CloudTrailRecord {
  const input: ApiCallInput = {
    time: o.time,
    account: o.account,
    region: 'us-east-1',
    identity: o.identity,
    call: 'signin:ConsoleLogin',
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    response: { ConsoleLogin: o.success ? 'Success' : 'Failure' },
    additionalEventData: {
      LoginTo:
        'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1',
      MobileVersion: 'No',
      MFAUsed: o.mfa ? 'Yes' : 'No',
    },
  };
  if (!o.success) input.error = { message: 'Failed authentication' };
  return apiCall(random, input);
}

export interface Launch {
  time: number;
  account: string;
  region: string;
  identity: Identity;
  instanceType: string;
  instanceIds: string[];
  privateIps: string[];
  imageId: string;
  subnetId: string;
  securityGroupId: string;
  /** `null` = no tagSpecificationSet at all. */
  tags: Record<string, string> | null;
  /** Instance profile ARN. */
  instanceProfileArn?: string;
  error?: { code: string; message: string };
}

/** RunInstances of `instanceIds.length` instances of one type (request maxCount = response items). */
export function runInstances(random: SeededRandom, launch: Launch): CloudTrailRecord {
  const count = launch.instanceIds.length;
  const tagList = launch.tags ? Object.entries(launch.tags).map(([key, value]) => ({ key, value })) : null;
  const request: JsonObject = {
    instancesSet: { items: [{ imageId: launch.imageId, minCount: count, maxCount: count }] },
    instanceType: launch.instanceType,
    blockDeviceMapping: {},
    monitoring: { enabled: false },
    disableApiTermination: false,
    disableApiStop: false,
    clientToken: random.uuid(),
    networkInterfaceSet: {
      items: [
        {
          deviceIndex: 0,
          subnetId: launch.subnetId,
          groupSet: { items: [{ groupId: launch.securityGroupId }] },
        },
      ],
    },
    metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
  };
  if (launch.instanceProfileArn) request.iamInstanceProfile = { arn: launch.instanceProfileArn };
  if (tagList) request.tagSpecificationSet = { items: [{ resourceType: 'instance', tags: tagList }] };
  const zone = `${launch.region}${launch.subnetId.endsWith('b') ? 'b' : 'a'}`;
  const items = launch.instanceIds.map((instanceId, index) => {
    const item: JsonObject = {
      instanceId,
      imageId: launch.imageId,
      instanceState: { code: 0, name: 'pending' },
      privateDnsName: `ip-${(launch.privateIps[index] ?? '').replaceAll('.', '-')}.ec2.internal`,
      amiLaunchIndex: index,
      productCodes: {},
      instanceType: launch.instanceType,
      launchTime: Math.floor(launch.time / 1000) * 1000,
      placement: { availabilityZone: zone, tenancy: 'default' },
      monitoring: { state: 'disabled' },
      subnetId: launch.subnetId,
      privateIpAddress: launch.privateIps[index] ?? null,
      groupSet: { items: [{ groupId: launch.securityGroupId }] },
      architecture: 'x86_64',
      rootDeviceType: 'ebs',
      rootDeviceName: '/dev/xvda',
      hypervisor: 'xen',
      ebsOptimized: true,
    };
    if (tagList) item.tagSet = { items: tagList };
    if (launch.instanceProfileArn) {
      item.iamInstanceProfile = { arn: launch.instanceProfileArn, id: `AIPA${random.alnum(17)}` };
    }
    return item;
  });
  return apiCall(random, {
    time: launch.time,
    account: launch.account,
    region: launch.region,
    identity: launch.identity,
    call: 'ec2:RunInstances',
    readOnly: false,
    request,
    response: {
      requestId: random.uuid(),
      reservationId: `r-${random.hex(17)}`,
      ownerId: launch.account,
      groupSet: {},
      instancesSet: { items },
    },
    ...(launch.error ? { error: launch.error } : {}),
  });
}

/** AuthorizeSecurityGroupIngress of one tcp port range from one IPv4 or IPv6 CIDR. */
export function authorizeIngress(
  random: SeededRandom,
  o: {
    time: number;
    account: string;
    region: string;
    identity: Identity;
    groupId: string;
    port: number;
    cidr: string;
    description: string;
    error?: { code: string; message: string };
  },
): CloudTrailRecord {
  const ipv6 = o.cidr.includes(':');
  const range: JsonObject = ipv6
    ? { cidrIpv6: o.cidr, description: o.description }
    : { cidrIp: o.cidr, description: o.description };
  const empty: JsonObject = {};
  return apiCall(random, {
    time: o.time,
    account: o.account,
    region: o.region,
    identity: o.identity,
    call: 'ec2:AuthorizeSecurityGroupIngress',
    readOnly: false,
    fromConsole: o.identity.userAgent === CONSOLE_AGENT,
    request: {
      groupId: o.groupId,
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: o.port,
            toPort: o.port,
            groups: empty,
            ipRanges: ipv6 ? empty : { items: [range] },
            ipv6Ranges: ipv6 ? { items: [range] } : empty,
            prefixListIds: {},
          },
        ],
      },
    },
    response: {
      requestId: random.uuid(),
      _return: true,
      securityGroupRuleSet: {
        items: [
          {
            groupOwnerId: o.account,
            groupId: o.groupId,
            securityGroupRuleId: `sgr-${random.hex(17)}`,
            isEgress: false,
            ipProtocol: 'tcp',
            fromPort: o.port,
            toPort: o.port,
            ...(ipv6 ? { cidrIpv6: o.cidr } : { cidrIpv4: o.cidr }),
            description: o.description,
          },
        ],
      },
    },
    ...(o.error ? { error: o.error } : {}),
  });
}

/** A read-only call type used as background traffic: `service:EventName` and a request for it. */
export interface ReadOnlyCall {
  call: string;
  request: (random: SeededRandom, account: string) => JsonValue;
}

/** What consoles, scripts and agents read all day (most of any real trail). */
export const READ_ONLY_CALLS: readonly ReadOnlyCall[] = [
  { call: 'ec2:DescribeInstances', request: () => ({ instancesSet: {}, filterSet: {} }) },
  {
    call: 'ec2:DescribeSecurityGroups',
    request: () => ({ securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} }),
  },
  { call: 'ec2:DescribeVolumes', request: () => ({ volumeSet: {}, filterSet: {} }) },
  { call: 'ec2:DescribeSubnets', request: () => ({ subnetSet: {}, filterSet: {} }) },
  { call: 'ec2:DescribeInstanceStatus', request: () => ({ includeAllInstances: true, filterSet: {} }) },
  { call: 's3:ListBuckets', request: () => ({ Host: 's3.amazonaws.com' }) },
  { call: 's3:GetBucketLocation', request: (r) => ({ bucketName: r.pick(BUCKETS), location: '' }) },
  { call: 'iam:ListRoles', request: () => null },
  {
    call: 'iam:GetRole',
    request: (r) => ({ roleName: r.pick(['web-app-role', 'orders-api-lambda', 'ci-deploy']) }),
  },
  {
    call: 'iam:ListAttachedRolePolicies',
    request: (r) => ({ roleName: r.pick(['web-app-role', 'orders-api-lambda']) }),
  },
  { call: 'iam:ListUsers', request: () => null },
  { call: 'sts:GetCallerIdentity', request: () => null },
  {
    call: 'monitoring:GetMetricData',
    request: () => ({ maxDatapoints: 1440, scanBy: 'TimestampDescending' }),
  },
  { call: 'monitoring:DescribeAlarms', request: () => ({ maxRecords: 100 }) },
  { call: 'logs:DescribeLogGroups', request: () => ({ limit: 50 }) },
  { call: 'lambda:ListFunctions20150331', request: () => ({ maxItems: 50 }) },
  {
    call: 'ssm:GetParameter',
    request: (r) => ({
      name: r.pick(['/orders/db/host', '/orders/feature-flags', '/web/log-level']),
      withDecryption: false,
    }),
  },
  {
    call: 'kms:DescribeKey',
    request: (r, account) => ({
      keyId: `arn:aws:kms:us-east-1:${account}:alias/${r.pick(['orders', 'logs'])}`,
    }),
  },
  { call: 'cloudtrail:DescribeTrails', request: () => ({ includeShadowTrails: true }) },
  { call: 'guardduty:ListDetectors', request: () => null },
];

export const BUCKETS = [
  'acme-orders-prod',
  'acme-web-assets',
  'acme-build-artifacts',
  'acme-logs-archive',
] as const;

/** sts:AssumeRole by an AWS service (Lambda, EC2, ECS tasks): the bulk of any account's STS events. */
export function serviceAssumeRole(
  random: SeededRandom,
  o: {
    time: number;
    account: string;
    region: string;
    service: string;
    roleName: string;
    sessionName: string;
  },
): CloudTrailRecord {
  return apiCall(random, {
    time: o.time,
    account: o.account,
    region: o.region,
    identity: { userIdentity: awsServiceIdentity(o.service), sourceIp: o.service, userAgent: o.service },
    call: 'sts:AssumeRole',
    readOnly: true,
    request: {
      roleArn: `arn:aws:iam::${o.account}:role/${o.roleName}`,
      roleSessionName: o.sessionName,
      durationSeconds: 3600,
    },
    response: {
      credentials: {
        accessKeyId: `ASIA${random.alnum(16)}`,
        sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
        expiration: new Date(Math.floor(o.time / 1000) * 1000 + 3_600_000).toUTCString(),
      },
      assumedRoleUser: {
        assumedRoleId: `AROA${random.alnum(17)}:${o.sessionName}`,
        arn: `arn:aws:sts::${o.account}:assumed-role/${o.roleName}/${o.sessionName}`,
      },
    },
    resources: [
      { accountId: o.account, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${o.account}:role/${o.roleName}` },
    ],
  });
}
