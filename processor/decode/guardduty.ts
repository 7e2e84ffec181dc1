import { isIP } from 'node:net';
import type {
  GuardDutyFinding,
  JsonObject,
  Principal,
  Resource,
  SecurityEvent,
} from '../../schemas/types.js';
import { DecodeError } from './dead-letter.js';
import {
  arrayField,
  booleanField,
  isJsonObject,
  numberField,
  objectAt,
  objectField,
  ownField,
  stringField,
} from './json-access.js';
import type { DecodeContext } from './options.js';
import { optionalTimestamp, parseTimestamp } from './timestamp.js';

const REQUIRED_FIELDS = ['id', 'type', 'updatedAt', 'severity'] as const;

/** Where each GuardDuty action type keeps the remote party. */
const REMOTE_IP_PATHS: readonly (readonly string[])[] = [
  ['networkConnectionAction', 'remoteIpDetails'],
  ['awsApiCallAction', 'remoteIpDetails'],
  ['kubernetesApiCallAction', 'remoteIpDetails'],
  ['rdsLoginAttemptAction', 'remoteIpDetails'],
];

/** Whether a JSON object is a GuardDuty finding (raw, as exported or as Panther stores it). */
export function isGuardDutyFinding(record: JsonObject): boolean {
  if (stringField(record, 'p_log_type') === 'AWS.GuardDuty') return true;
  if (stringField(record, 'type') === null) return false;
  return (
    stringField(objectField(record, 'service') ?? {}, 'serviceName') === 'guardduty' ||
    (stringField(record, 'arn') ?? '').includes(':guardduty:')
  );
}

/**
 * Normalises a GuardDuty finding; `envelope` (an EventBridge event) fills account and region when the
 * finding lacks them. Only its event time when the prefilter does not want its type.
 *
 *   decodeGuardDuty(finding, decodeContext())?.guardduty?.severity // 8
 */
export function decodeGuardDuty(
  finding: JsonObject,
  context: DecodeContext,
  envelope?: JsonObject,
): SecurityEvent | number {
  const idInArn = idFromArn(stringField(finding, 'arn'));
  const missing = REQUIRED_FIELDS.filter(
    (field) => ownField(finding, field) === undefined && !(field === 'id' && idInArn !== null),
  );
  if (missing.length > 0) throw new DecodeError('missing_field', missing.join(', '));
  const id = stringField(finding, 'id') ?? idInArn;
  const type = stringField(finding, 'type');
  const updatedAt = stringField(finding, 'updatedAt');
  const severity = numberField(finding, 'severity');
  if (id === null || type === null || updatedAt === null || severity === null) {
    throw new DecodeError('invalid_field', 'id, type and updatedAt must be strings, severity a number');
  }
  const time = parseTimestamp(updatedAt, 'updatedAt');
  if (context.wants && !context.wants('guardduty', type)) return time;
  const account =
    stringField(finding, 'accountId') ?? (envelope ? stringField(envelope, 'account') : null) ?? null;
  const resource = objectField(finding, 'resource');
  const service = objectField(finding, 'service');
  const block = guardDutyBlock(finding, type, severity, resource, service);
  return {
    id,
    source: 'guardduty',
    time,
    account,
    region: stringField(finding, 'region') ?? (envelope ? stringField(envelope, 'region') : null),
    action: type,
    principal: principalOf(resource),
    srcIp: block.remoteIp !== null && isIP(block.remoteIp) !== 0 ? block.remoteIp : null,
    userAgent: null,
    errorCode: null,
    readOnly: null,
    resources: resourcesOf(resource, account),
    flow: null,
    guardduty: block,
    raw: finding,
  };
}

/** A finding ARN ends in `/finding/<id>`. */
function idFromArn(arn: string | null): string | null {
  const marker = arn?.lastIndexOf('/finding/') ?? -1;
  return arn && marker >= 0 ? arn.slice(marker + '/finding/'.length) || null : null;
}

function guardDutyBlock(
  finding: JsonObject,
  type: string,
  severity: number,
  resource: JsonObject | null,
  service: JsonObject | null,
): GuardDutyFinding {
  const action = objectAt(service, 'action');
  return {
    type,
    severity,
    title: stringField(finding, 'title'),
    resourceType: resource && stringField(resource, 'resourceType'),
    resourceId: resourceIdOf(resource),
    actionType: action && stringField(action, 'actionType'),
    remoteIp: remoteIpOf(action),
    count: (service && numberField(service, 'count')) ?? 1,
    firstSeen: optionalTimestamp(service && stringField(service, 'eventFirstSeen')),
    lastSeen: optionalTimestamp(service && stringField(service, 'eventLastSeen')),
    archived: service && booleanField(service, 'archived'),
  };
}

function instanceIdOf(resource: JsonObject | null): string | null {
  return stringField(objectAt(resource, 'instanceDetails') ?? {}, 'instanceId');
}

function accessKeyIdOf(resource: JsonObject | null): string | null {
  return stringField(objectAt(resource, 'accessKeyDetails') ?? {}, 'accessKeyId');
}

function bucketNamesOf(resource: JsonObject | null): string[] {
  const names: string[] = [];
  for (const bucket of (resource && arrayField(resource, 's3BucketDetails')) ?? []) {
    const name = isJsonObject(bucket) ? stringField(bucket, 'name') : null;
    if (name !== null) names.push(name);
  }
  return names;
}

function resourceIdOf(resource: JsonObject | null): string | null {
  return (
    instanceIdOf(resource) ??
    accessKeyIdOf(resource) ??
    bucketNamesOf(resource)[0] ??
    stringField(objectAt(resource, 'eksClusterDetails') ?? {}, 'name')
  );
}

function remoteIpOf(action: JsonObject | null): string | null {
  for (const path of REMOTE_IP_PATHS) {
    const ip = stringField(objectAt(action, ...path) ?? {}, 'ipAddressV4');
    if (ip !== null) return ip;
  }
  const probe = arrayField(objectAt(action, 'portProbeAction') ?? {}, 'portProbeDetails')?.[0];
  return isJsonObject(probe) ? stringField(objectAt(probe, 'remoteIpDetails') ?? {}, 'ipAddressV4') : null;
}

/** The IAM identity whose access key the finding is about, if any. */
function principalOf(resource: JsonObject | null): Principal | null {
  const details = objectAt(resource, 'accessKeyDetails');
  if (details === null) return null;
  return {
    type: stringField(details, 'userType'),
    arn: null,
    name: stringField(details, 'userName'),
    account: null,
    sessionIssuer: null,
    mfa: null,
    accessKeyId: stringField(details, 'accessKeyId'),
  };
}

function resourcesOf(resource: JsonObject | null, account: string | null): Resource[] {
  const resources: Resource[] = [];
  const instanceId = instanceIdOf(resource);
  if (instanceId !== null) resources.push({ type: 'AWS::EC2::Instance', id: instanceId, account });
  const accessKeyId = accessKeyIdOf(resource);
  if (accessKeyId !== null) resources.push({ type: 'AWS::IAM::AccessKey', id: accessKeyId, account });
  for (const name of bucketNamesOf(resource)) resources.push({ type: 'AWS::S3::Bucket', id: name, account });
  return resources;
}
