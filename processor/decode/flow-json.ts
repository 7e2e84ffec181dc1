import type { JsonObject, JsonValue, SecurityEvent } from '../../schemas/types.js';
import { DecodeError } from './dead-letter.js';
import { emptyFlowRecord, flowAction, flowEvent } from './flow-event.js';
import { ownField, stringField } from './json-access.js';
import type { DecodeContext } from './options.js';
import { parseTimestamp } from './timestamp.js';

type NumberKey =
  | 'version'
  | 'srcPort'
  | 'dstPort'
  | 'protocol'
  | 'packets'
  | 'bytes'
  | 'tcpFlags'
  | 'trafficPath';
type TextKey =
  | 'interfaceId'
  | 'srcAddr'
  | 'dstAddr'
  | 'action'
  | 'logStatus'
  | 'vpcId'
  | 'subnetId'
  | 'instanceId'
  | 'trafficType'
  | 'pktSrcAddr'
  | 'pktDstAddr'
  | 'azId'
  | 'sublocationType'
  | 'sublocationId'
  | 'pktSrcAwsService'
  | 'pktDstAwsService'
  | 'flowDirection';

const NUMBER_FIELDS: readonly NumberKey[] = [
  'version',
  'srcPort',
  'dstPort',
  'protocol',
  'packets',
  'bytes',
  'tcpFlags',
  'trafficPath',
];
/** Panther's JSON name → FlowRecord field, where they differ only in spelling. */
const TEXT_FIELDS: readonly (readonly [string, TextKey])[] = [
  ['interfaceId', 'interfaceId'],
  ['srcAddr', 'srcAddr'],
  ['dstAddr', 'dstAddr'],
  ['action', 'action'],
  ['status', 'logStatus'],
  ['logStatus', 'logStatus'],
  ['vpcId', 'vpcId'],
  ['subnetId', 'subnetId'],
  ['subNetId', 'subnetId'],
  ['instanceId', 'instanceId'],
  ['type', 'trafficType'],
  ['pktSrcAddr', 'pktSrcAddr'],
  ['pktDstAddr', 'pktDstAddr'],
  ['azId', 'azId'],
  ['sublocationType', 'sublocationType'],
  ['sublocationId', 'sublocationId'],
  ['pktSrcAwsService', 'pktSrcAwsService'],
  ['pktDstAwsService', 'pktDstAwsService'],
  ['flowDirection', 'flowDirection'],
];
const DIGITS = /^\d+$/;

/** Whether a JSON object is a flow record in Panther's JSON form (`srcAddr`, `dstPort`, ...). */
export function isFlowObject(record: JsonObject): boolean {
  return (
    stringField(record, 'p_log_type') === 'AWS.VPCFlow' ||
    Object.hasOwn(record, 'srcAddr') ||
    Object.hasOwn(record, 'dstAddr') ||
    Object.hasOwn(record, 'interfaceId')
  );
}

/**
 * Decodes a flow record in Panther's JSON form; start/end are epoch seconds or UTC timestamps.
 * Only its event time when the prefilter does not want its action.
 *
 *   decodeFlowObject({ srcAddr: '1.1.1.1', start: 1700000000, action: 'REJECT' }, decodeContext())?.action
 */
export function decodeFlowObject(record: JsonObject, context: DecodeContext): SecurityEvent | number {
  const flow = emptyFlowRecord();
  for (const key of NUMBER_FIELDS) flow[key] = integerOf(record, key);
  for (const [name, key] of TEXT_FIELDS) {
    const value = textOf(record, name);
    if (value !== null) flow[key] = value;
  }
  flow.start = timeOf(record, 'start');
  flow.end = timeOf(record, 'end');
  const action = flowAction(flow);
  const missing = [
    ...(flow.start === null ? ['start'] : []),
    ...(action === null && flow.action === null && flow.logStatus === null ? ['action'] : []),
  ];
  if (missing.length > 0) throw new DecodeError('missing_field', missing.join(', '));
  if (action === null)
    throw new DecodeError('invalid_field', `action '${flow.action}' is not ACCEPT or REJECT`);
  if (context.wants && !context.wants('flowlog', action)) return flow.start as number;
  return flowEvent({
    identity: JSON.stringify(record),
    flow,
    action,
    account: textOf(record, 'account') ?? textOf(record, 'accountId'),
    region: textOf(record, 'region'),
    raw: record,
  });
}

function textOf(record: JsonObject, name: string): string | null {
  const value = ownField(record, name);
  if (value === undefined || value === null || value === '-') return null;
  if (typeof value !== 'string') throw new DecodeError('invalid_field', `${name} must be a string`);
  return value;
}

function integerOf(record: JsonObject, name: string): number | null {
  const value: JsonValue | undefined = ownField(record, name);
  if (value === undefined || value === null || value === '-') return null;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && DIGITS.test(value)) return Number(value);
  throw new DecodeError('invalid_field', `${name} must be an integer`);
}

function timeOf(record: JsonObject, name: 'start' | 'end'): number | null {
  const value = ownField(record, name);
  if (typeof value === 'string' && !DIGITS.test(value)) return parseTimestamp(value, name);
  const seconds = integerOf(record, name);
  return seconds === null ? null : seconds * 1000;
}
