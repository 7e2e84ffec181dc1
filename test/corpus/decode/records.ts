import type { JsonObject } from '../../../schemas/types.js';

/** Realistic source records for decoder tests; each test changes only what it is about. */

export const ACCOUNT = '111122223333';

export function runInstances(overrides: JsonObject = {}): JsonObject {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:alice',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/alice`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAEXAMPLE1',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: `arn:aws:iam::${ACCOUNT}:role/Deployer`,
          accountId: ACCOUNT,
          userName: 'Deployer',
        },
        attributes: { creationDate: '2024-05-01T11:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: '2024-05-01T12:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: {
      instanceType: 'p4d.24xlarge',
      instancesSet: { items: [{ imageId: 'ami-1', minCount: 2 }] },
    },
    responseElements: {
      instancesSet: { items: [{ instanceId: 'i-0aaa' }, { instanceId: 'i-0bbb' }] },
    },
    requestID: 'req-1',
    eventID: 'ev-run-1',
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
    ...overrides,
  };
}

export function consoleLogin(overrides: JsonObject = {}): JsonObject {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'Root',
      principalId: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      accountId: ACCOUNT,
    },
    eventTime: '2024-05-01T08:30:00Z',
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.9',
    userAgent: 'Mozilla/5.0',
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { MFAUsed: 'No', MobileVersion: 'No' },
    eventID: 'ev-login-1',
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    recipientAccountId: ACCOUNT,
    ...overrides,
  };
}

export function createUser(overrides: JsonObject = {}): JsonObject {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
      accountId: ACCOUNT,
      accessKeyId: 'AKIAEXAMPLE2',
      userName: 'bob',
    },
    eventTime: '2024-05-01T09:00:00.123Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    awsRegion: 'us-east-1',
    sourceIPAddress: 'cloudformation.amazonaws.com',
    userAgent: 'cloudformation.amazonaws.com',
    errorCode: 'AccessDenied',
    requestParameters: { userName: 'mallory' },
    responseElements: null,
    eventID: 'ev-user-1',
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
    ...overrides,
  };
}

export function guardDutyFinding(overrides: JsonObject = {}): JsonObject {
  return {
    schemaVersion: '2.0',
    accountId: ACCOUNT,
    region: 'eu-west-1',
    partition: 'aws',
    id: 'gd-ssh-1',
    arn: `arn:aws:guardduty:eu-west-1:${ACCOUNT}:detector/d1/finding/gd-ssh-1`,
    type: 'UnauthorizedAccess:EC2/SSHBruteForce',
    resource: {
      resourceType: 'Instance',
      instanceDetails: { instanceId: 'i-0ccc', instanceType: 't3.micro' },
    },
    service: {
      serviceName: 'guardduty',
      detectorId: 'd1',
      action: {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: 'INBOUND',
          remoteIpDetails: { ipAddressV4: '192.0.2.44' },
          localPortDetails: { port: 22, portName: 'SSH' },
        },
      },
      archived: false,
      count: 12,
      eventFirstSeen: '2024-05-01T10:00:00.000Z',
      eventLastSeen: '2024-05-01T10:40:00.000Z',
    },
    severity: 5,
    createdAt: '2024-05-01T10:05:00.000Z',
    updatedAt: '2024-05-01T10:41:00.500Z',
    title: '192.0.2.44 is performing SSH brute force attacks against i-0ccc.',
    ...overrides,
  };
}

export function eventBridge(detailType: string, source: string, detail: JsonObject): JsonObject {
  return {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': detailType,
    source,
    account: ACCOUNT,
    time: '2024-05-01T12:00:05Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

export function cloudWatchLogs(messages: readonly string[], messageType = 'DATA_MESSAGE'): JsonObject {
  return {
    messageType,
    owner: ACCOUNT,
    logGroup: 'aws-cloudtrail-logs',
    logStream: `${ACCOUNT}_CloudTrail_eu-west-1`,
    subscriptionFilters: ['to-kinesis'],
    logEvents: messages.map((message, index) => ({ id: String(index), timestamp: 1714564800000, message })),
  };
}

/** Default-format (version 2) flow lines. */
export const FLOW_ACCEPT =
  '2 111122223333 eni-0a1b2c 10.0.1.5 203.0.113.9 49152 443 6 12 3400 1714564800 1714564860 ACCEPT OK';
export const FLOW_REJECT =
  '2 111122223333 eni-0a1b2c 198.51.100.20 10.0.1.5 51515 22 6 1 40 1714564810 1714564870 REJECT OK';
export const FLOW_NODATA = '2 111122223333 eni-0a1b2c - - - - - - - 1714564900 1714564960 - NODATA';
export const FLOW_SKIPDATA = '2 111122223333 eni-0a1b2c - - - - - - - 1714565000 1714565060 - SKIPDATA';

/** A version 5 custom format's fields; as AWS writes it (`${field}` style) and as a header line. */
export const FLOW_V5_FIELDS = [
  'version',
  'vpc-id',
  'subnet-id',
  'instance-id',
  'interface-id',
  'account-id',
  'type',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'protocol',
  'bytes',
  'packets',
  'start',
  'end',
  'action',
  'tcp-flags',
  'log-status',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
];
export const FLOW_V5_FORMAT = FLOW_V5_FIELDS.map((name) => `\${${name}}`).join(' ');
export const FLOW_V5_HEADER = FLOW_V5_FIELDS.join(' ');
export const FLOW_V5_LINE =
  '5 vpc-0f1 subnet-0e2 i-0ddd eni-0d3 111122223333 IPv4 10.0.2.7 52.94.0.10 40000 443 10.0.2.7 52.94.0.10 6 5000 ' +
  '10 1714564800 1714564860 ACCEPT 19 OK eu-west-1 euw1-az1 - - - AMAZON egress 8';
