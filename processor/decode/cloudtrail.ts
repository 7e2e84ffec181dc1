import { isIP } from 'node:net';
import { stableId } from '../../detections/finding.js';
import type { JsonObject, JsonValue, Principal, Resource, SecurityEvent } from '../../schemas/types.js';
import { isLowerCasedCloudTrail, withAwsCasing } from './cloudtrail-casing.js';
import { DecodeError } from './dead-letter.js';
import {
  arrayField,
  booleanField,
  isJsonObject,
  objectAt,
  objectField,
  ownField,
  stringField,
} from './json-access.js';
import type { DecodeContext } from './options.js';
import { parseTimestamp } from './timestamp.js';

const SERVICE_SUFFIX = '.amazonaws.com';
const REQUIRED_FIELDS = ['eventTime', 'eventSource', 'eventName'] as const;
// Lambda (`UpdateFunctionCode20150331v2`, `PublishLayerVersion20181031`) and CloudFront
// (`UpdateDistribution2020_05_31`) put the API version into the event name.
const API_VERSION_SUFFIX = /^([A-Za-z]+?)(?:\d{8}(?:v\d+)?|\d{4}_\d{2}_\d{2})$/;

/**
 * The action of a CloudTrail event: eventSource without `.amazonaws.com`, a colon, eventName without an
 * API version suffix, so detections and the router match one name whatever API version the client used
 * (the record keeps the raw eventName).
 *
 *   cloudTrailAction('ec2.amazonaws.com', 'RunInstances')                    // 'ec2:RunInstances'
 *   cloudTrailAction('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2') // 'lambda:UpdateFunctionCode'
 */
export function cloudTrailAction(eventSource: string, eventName: string): string {
  const service = eventSource.endsWith(SERVICE_SUFFIX)
    ? eventSource.slice(0, -SERVICE_SUFFIX.length)
    : eventSource;
  // Only a name ending in a digit can carry an API version.
  const last = eventName.charCodeAt(eventName.length - 1);
  const name =
    last >= 0x30 && last <= 0x39 ? (API_VERSION_SUFFIX.exec(eventName)?.[1] ?? eventName) : eventName;
  return `${service}:${name}`;
}

/** Whether a JSON object is (meant to be) a CloudTrail record, in AWS's casing or Athena's lower case. */
export function isCloudTrailRecord(record: JsonObject): boolean {
  return (
    Object.hasOwn(record, 'eventSource') ||
    isLowerCasedCloudTrail(record) ||
    Object.hasOwn(record, 'eventName') ||
    Object.hasOwn(record, 'eventVersion') ||
    stringField(record, 'p_log_type') === 'AWS.CloudTrail'
  );
}

/**
 * Normalises one CloudTrail record; when the prefilter does not want its action, only its event time.
 * Throws DecodeError for missing or mistyped required fields and unreadable times. A record without an
 * eventID (exports trimmed to a few fields) gets a stable id derived from its content.
 *
 *   decodeCloudTrail(record, decodeContext())?.action // 'iam:CreateUser'
 */
export function decodeCloudTrail(input: JsonObject, context: DecodeContext): SecurityEvent | number {
  const record = isLowerCasedCloudTrail(input) ? withAwsCasing(input) : input;
  const missing = REQUIRED_FIELDS.filter((field) => ownField(record, field) === undefined);
  if (missing.length > 0) throw new DecodeError('missing_field', missing.join(', '));
  const [eventTime, eventSource, eventName] = REQUIRED_FIELDS.map((field) => {
    const value = ownField(record, field);
    if (typeof value !== 'string' || value === '') {
      throw new DecodeError('invalid_field', `${field} must be a non-empty string`);
    }
    return value;
  }) as [string, string, string];
  const eventID = ownField(record, 'eventID');
  if (eventID !== undefined && (typeof eventID !== 'string' || eventID === '')) {
    throw new DecodeError('invalid_field', 'eventID must be a non-empty string');
  }
  const action = cloudTrailAction(eventSource, eventName);
  const time = parseTimestamp(eventTime, 'eventTime');
  if (context.wants && !context.wants('cloudtrail', action)) return time;
  const identity = objectField(record, 'userIdentity');
  const account =
    stringField(record, 'recipientAccountId') ?? (identity && stringField(identity, 'accountId'));
  const sourceIp = stringField(record, 'sourceIPAddress');
  return {
    id: eventID ?? stableId('cloudtrail', JSON.stringify(record)),
    source: 'cloudtrail',
    time,
    account,
    region: stringField(record, 'awsRegion'),
    action,
    principal: identity && principalOf(identity, record, eventName),
    srcIp: sourceIp !== null && isIP(sourceIp) !== 0 ? sourceIp : null,
    userAgent: stringField(record, 'userAgent'),
    // Some exports write an empty errorCode on successful calls.
    errorCode: stringField(record, 'errorCode') || null,
    readOnly: booleanField(record, 'readOnly'),
    resources: resourcesOf(record, account),
    flow: null,
    guardduty: null,
    raw: record,
  };
}

function principalOf(identity: JsonObject, record: JsonObject, eventName: string): Principal {
  const type = stringField(identity, 'type');
  const arn = stringField(identity, 'arn');
  const sessionContext = objectField(identity, 'sessionContext');
  return {
    type,
    arn,
    name: stringField(identity, 'userName') ?? (type === 'Root' ? 'root' : sessionName(arn)),
    account: stringField(identity, 'accountId'),
    sessionIssuer: stringField(objectAt(sessionContext, 'sessionIssuer') ?? {}, 'arn'),
    mfa: mfaOf(sessionContext, record, eventName),
    accessKeyId: stringField(identity, 'accessKeyId'),
  };
}

/** Session name of an assumed-role or federated-user ARN: its last path segment. */
function sessionName(arn: string | null): string | null {
  if (arn === null || !(arn.includes(':assumed-role/') || arn.includes(':federated-user/'))) return null;
  return arn.slice(arn.lastIndexOf('/') + 1) || null;
}

/** ConsoleLogin reports MFA in additionalEventData; API calls in the session's attributes. */
function mfaOf(sessionContext: JsonObject | null, record: JsonObject, eventName: string): boolean | null {
  if (eventName === 'ConsoleLogin') {
    const used = stringField(objectField(record, 'additionalEventData') ?? {}, 'MFAUsed');
    if (used !== null) return used === 'Yes';
  }
  const authenticated = stringField(objectAt(sessionContext, 'attributes') ?? {}, 'mfaAuthenticated');
  return authenticated === null ? null : authenticated === 'true';
}

/** `resources[]` as delivered, plus the instances, security groups, roles and users named in the call. */
function resourcesOf(record: JsonObject, account: string | null): Resource[] {
  const resources: Resource[] = [];
  const seen = new Set<string>();
  const add = (type: string, id: string | null, resourceAccount: string | null = account): void => {
    if (id === null || id === '' || seen.has(`${type}\u0000${id}`)) return;
    seen.add(`${type}\u0000${id}`);
    resources.push({ type, id, account: resourceAccount });
  };
  for (const item of arrayField(record, 'resources') ?? []) {
    if (!isJsonObject(item)) continue;
    const type = stringField(item, 'type');
    if (type !== null) add(type, stringField(item, 'ARN'), stringField(item, 'accountId') ?? account);
  }
  const request = objectField(record, 'requestParameters');
  const response = objectField(record, 'responseElements');
  for (const id of itemIds(objectAt(response, 'instancesSet'), 'instanceId')) add('AWS::EC2::Instance', id);
  for (const id of itemIds(objectAt(request, 'instancesSet'), 'instanceId')) add('AWS::EC2::Instance', id);
  for (const id of itemIds(objectAt(request, 'resourcesSet'), 'resourceId')) {
    if (id.startsWith('i-')) add('AWS::EC2::Instance', id);
    else if (id.startsWith('sg-')) add('AWS::EC2::SecurityGroup', id);
  }
  if (request) {
    add('AWS::EC2::Instance', stringField(request, 'instanceId'));
    add('AWS::EC2::SecurityGroup', stringField(request, 'groupId'));
  }
  if (response) add('AWS::EC2::SecurityGroup', stringField(response, 'groupId'));
  add(
    'AWS::IAM::Role',
    stringField(objectAt(response, 'role') ?? {}, 'arn') ?? (request && stringField(request, 'roleName')),
  );
  if (request) add('AWS::IAM::User', stringField(request, 'userName'));
  return resources;
}

/** Ids in EC2's `{items: [{<key>: id}]}` sets. */
function itemIds(set: JsonObject | null, key: string): string[] {
  const items: JsonValue[] = (set && arrayField(set, 'items')) ?? [];
  const ids: string[] = [];
  for (const item of items) {
    const id = isJsonObject(item) ? stringField(item, key) : null;
    if (id !== null) ids.push(id);
  }
  return ids;
}
