import type { JsonObject, JsonValue } from '../../schemas/types.js';
import { isJsonObject } from './json-access.js';

/** AWS's spelling of the CloudTrail fields, by their lower-cased form (Athena and Glue lower-case columns). */
const FIELD_NAMES = new Map(
  [
    'eventVersion',
    'userIdentity',
    'eventTime',
    'eventSource',
    'eventName',
    'awsRegion',
    'sourceIPAddress',
    'userAgent',
    'errorCode',
    'errorMessage',
    'requestParameters',
    'responseElements',
    'additionalEventData',
    'requestID',
    'eventID',
    'readOnly',
    'resources',
    'eventType',
    'apiVersion',
    'managementEvent',
    'recipientAccountId',
    'serviceEventDetails',
    'sharedEventID',
    'vpcEndpointId',
    'vpcEndpointAccountId',
    'eventCategory',
    'tlsDetails',
    'sessionCredentialFromConsole',
    'type',
    'principalId',
    'arn',
    'accountId',
    'accessKeyId',
    'userName',
    'sessionContext',
    'invokedBy',
    'identityProvider',
    'attributes',
    'creationDate',
    'mfaAuthenticated',
    'sessionIssuer',
    'webIdFederationData',
    'sourceIdentity',
    'onBehalfOf',
    'credentialId',
  ].map((name) => [name.toLowerCase(), name]),
);
/** Athena's CloudTrail table keeps these as JSON text columns. */
const JSON_TEXT_FIELDS = new Set([
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'serviceEventDetails',
]);

/**
 * Whether a record spells CloudTrail's fields in lower case, as Athena query results and Glue tables do
 * (`eventsource`, `useridentity`), instead of AWS's camel case.
 */
export function isLowerCasedCloudTrail(record: JsonObject): boolean {
  return !Object.hasOwn(record, 'eventSource') && Object.hasOwn(record, 'eventsource');
}

/**
 * The record with AWS's field names restored at the top level and inside userIdentity, and Athena's JSON
 * text columns parsed, so detections read one shape. Other keys are kept as they are.
 *
 *   withAwsCasing({ eventsource: 'iam.amazonaws.com', eventname: 'CreateUser' })
 *   // { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }
 */
export function withAwsCasing(record: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(record)) {
    const name = FIELD_NAMES.get(key) ?? key;
    if (name === 'userIdentity') result[name] = renamedDeep(value, 3);
    else result[name] = JSON_TEXT_FIELDS.has(name) ? parsedText(value) : value;
  }
  return result;
}

/** userIdentity and its sessionContext / sessionIssuer / attributes, at most `depth` levels down. */
function renamedDeep(value: JsonValue, depth: number): JsonValue {
  if (!isJsonObject(value) || depth === 0) return value;
  const result: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    result[FIELD_NAMES.get(key) ?? key] = renamedDeep(inner, depth - 1);
  }
  return result;
}

function parsedText(value: JsonValue): JsonValue {
  if (typeof value !== 'string' || !value.startsWith('{')) return value;
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    return value;
  }
}
