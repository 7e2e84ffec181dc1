import type { JsonObject, JsonValue } from '../../schemas/types.js';
import {
  apiCall,
  assumedRole,
  CLI_AGENT,
  type CloudTrailRecord,
  CONSOLE_AGENT,
  consoleLogin,
  type Identity,
  iamUser,
  isoSeconds,
  rootIdentity,
} from '../generate/cloudtrail-records.js';
import { SeededRandom } from '../generate/random.js';

/**
 * Record builders for the correlation fixtures, the correlation scenario and its benchmark: CloudTrail records
 * (through the shared CloudTrail builders), GuardDuty findings and VPC flow log lines (default format v2), each
 * with the id the caller gives, so fixtures read as stories.
 *
 *   call({ id: 'ct-1', time, identity: user(ACCOUNT, 'alice', '81.2.69.160'), call: 'iam:CreateUser', request: { userName: 'x' } })
 */
export const ACCOUNT = '111122223333';

/** An IAM user calling from `ip` with the CLI (a console session with `console`). */
export function user(
  account: string,
  name: string,
  ip: string,
  o: { console?: boolean; mfa?: boolean; sessionStart?: number } = {},
): Identity {
  const id = name
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .padEnd(12, 'X')
    .slice(0, 12);
  const userIdentity = iamUser(account, name, `AKIAQX7L${id.slice(0, 12)}`, `AIDAQX7L2M${id}`);
  if (o.console) {
    userIdentity.accessKeyId = `ASIAQX7L${id.slice(0, 12)}`;
    userIdentity.sessionContext = {
      attributes: {
        creationDate: isoSeconds(o.sessionStart ?? Date.UTC(2026, 10, 20, 8)),
        mfaAuthenticated: String(o.mfa ?? false),
      },
    };
  }
  return { userIdentity, sourceIp: ip, userAgent: o.console ? CONSOLE_AGENT : CLI_AGENT };
}

/** A role session (`roleName/sessionName`) calling from `ip` with the CLI. */
export function roleSession(
  account: string,
  roleName: string,
  sessionName: string,
  ip: string,
  accessKeyId: string,
): Identity {
  return {
    userIdentity: assumedRole({
      account,
      roleName,
      sessionName,
      roleId: `AROAQX7L2M4N${roleName
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .padEnd(8, 'X')
        .slice(0, 8)}`,
      accessKeyId,
      sessionStart: Date.UTC(2026, 10, 20),
      mfa: false,
    }),
    sourceIp: ip,
    userAgent: CLI_AGENT,
  };
}

/** An EC2 instance's role credentials (the session named after the instance). */
export function instanceSession(account: string, roleName: string, instanceId: string, ip: string): Identity {
  const identity = roleSession(
    account,
    roleName,
    instanceId,
    ip,
    `ASIAQX7L${instanceId.slice(-12).toUpperCase()}`,
  );
  ((identity.userIdentity.sessionContext as JsonObject).attributes as JsonObject).mfaAuthenticated = 'false';
  (identity.userIdentity.sessionContext as JsonObject).ec2RoleDelivery = '2.0';
  return { ...identity, userAgent: 'aws-sdk-java/2.25.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/17' };
}

export function root(account: string, ip: string): Identity {
  return { userIdentity: rootIdentity(account), sourceIp: ip, userAgent: CONSOLE_AGENT };
}

export interface CallInput {
  id: string;
  time: number;
  identity: Identity;
  /** `service:EventName`. */
  call: string;
  account?: string;
  region?: string;
  readOnly?: boolean;
  request?: JsonValue;
  response?: JsonValue;
  /** AccessDenied and the like. */
  error?: string;
  console?: boolean;
}

/** A CloudTrail management event; read-only when the event name starts with List/Describe/Get unless told. */
export function call(input: CallInput): CloudTrailRecord {
  const eventName = input.call.split(':')[1] ?? '';
  const record = apiCall(new SeededRandom(hash(input.id)), {
    time: input.time,
    account: input.account ?? ACCOUNT,
    region: input.region ?? 'us-east-1',
    identity: input.identity,
    call: input.call,
    readOnly: input.readOnly ?? /^(List|Describe|Get)/.test(eventName),
    ...(input.request !== undefined ? { request: input.request } : {}),
    ...(input.response !== undefined ? { response: input.response } : {}),
    ...(input.error
      ? { error: { code: input.error, message: `User is not authorized to perform: ${input.call}` } }
      : {}),
    ...(input.console ? { fromConsole: true } : {}),
  });
  record.eventID = input.id;
  return record;
}

/** A console sign-in that succeeded, with or without MFA. */
export function signIn(o: {
  id: string;
  time: number;
  identity: Identity;
  mfa: boolean;
  account?: string;
}): CloudTrailRecord {
  const record = consoleLogin(new SeededRandom(hash(o.id)), {
    time: o.time,
    account: o.account ?? ACCOUNT,
    identity: { ...o.identity, userAgent: CONSOLE_AGENT },
    success: true,
    mfa: o.mfa,
  });
  record.eventID = o.id;
  return record;
}

export type FindingResource =
  | { instance: string }
  | { accessKey: string; userName: string; userType: 'IAMUser' | 'AssumedRole'; principalId: string }
  | { bucket: string };

/** A GuardDuty finding as GuardDuty exports it (EventBridge `detail`), `updatedAt` = `time`. */
export function guardDutyFinding(o: {
  id: string;
  time: number;
  type: string;
  severity: number;
  resource: FindingResource;
  account?: string;
  count?: number;
}): JsonObject {
  const account = o.account ?? ACCOUNT;
  const resource: JsonObject =
    'instance' in o.resource
      ? {
          resourceType: 'Instance',
          instanceDetails: { instanceId: o.resource.instance, instanceType: 'm6i.large' },
        }
      : 'bucket' in o.resource
        ? { resourceType: 'S3Bucket', s3BucketDetails: [{ name: o.resource.bucket, type: 'Destination' }] }
        : {
            resourceType: 'AccessKey',
            accessKeyDetails: {
              accessKeyId: o.resource.accessKey,
              principalId: o.resource.principalId,
              userName: o.resource.userName,
              userType: o.resource.userType,
            },
          };
  return {
    schemaVersion: '2.0',
    accountId: account,
    region: 'us-east-1',
    partition: 'aws',
    id: o.id,
    arn: `arn:aws:guardduty:us-east-1:${account}:detector/a2c4e6f8b0d2e4f6a8c0e2f4a6b8c0d2/finding/${o.id}`,
    type: o.type,
    resource,
    service: {
      serviceName: 'guardduty',
      detectorId: 'a2c4e6f8b0d2e4f6a8c0e2f4a6b8c0d2',
      action: { actionType: 'AWS_API_CALL' },
      eventFirstSeen: isoSeconds(o.time - 600_000),
      eventLastSeen: isoSeconds(o.time - 60_000),
      archived: false,
      count: o.count ?? 1,
    },
    severity: o.severity,
    createdAt: new Date(o.time - 60_000).toISOString(),
    updatedAt: new Date(o.time).toISOString(),
    title: `${o.type} finding`,
    description: `GuardDuty ${o.type}`,
  };
}

/** A VPC flow log line, default format version 2; `bytes` and `action` as given. */
export function flowLine(o: {
  time: number;
  eni: string;
  src: string;
  dst: string;
  srcPort?: number;
  dstPort?: number;
  bytes?: number;
  action?: 'ACCEPT' | 'REJECT';
  account?: string;
}): string {
  const start = Math.floor(o.time / 1000);
  return [
    2,
    o.account ?? ACCOUNT,
    o.eni,
    o.src,
    o.dst,
    o.srcPort ?? 49152,
    o.dstPort ?? 443,
    6,
    Math.max(1, Math.round((o.bytes ?? 840) / 1000)),
    o.bytes ?? 840,
    start,
    start + 60,
    o.action ?? 'ACCEPT',
    'OK',
  ].join(' ');
}

/** A NODATA record: the interface had no traffic in the interval. */
export function noDataLine(o: { time: number; eni: string; account?: string }): string {
  const start = Math.floor(o.time / 1000);
  return `2 ${o.account ?? ACCOUNT} ${o.eni} - - - - - - - ${start} ${start + 60} - NODATA`;
}

function hash(text: string): number {
  let value = 2166136261;
  for (let i = 0; i < text.length; i += 1) value = Math.imul(value ^ text.charCodeAt(i), 16777619);
  return value | 0;
}
