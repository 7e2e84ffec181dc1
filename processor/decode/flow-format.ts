import type { FlowRecord } from '../../schemas/types.js';
import { DecodeError } from './dead-letter.js';

type NumberKey = {
  [K in keyof FlowRecord]: FlowRecord[K] extends number | null ? K : never;
}[keyof FlowRecord];
type TextKey = { [K in keyof FlowRecord]: FlowRecord[K] extends string | null ? K : never }[keyof FlowRecord];

/** How one column of a flow-log line is read: into a FlowRecord field, the event, or only `raw`. */
export type FlowColumn =
  | { name: string; kind: 'int'; key: NumberKey }
  | { name: string; kind: 'seconds'; key: 'start' | 'end' }
  | { name: string; kind: 'text'; key: TextKey }
  | { name: 'account-id' | 'region'; kind: 'event' }
  | { name: string; kind: 'extra' };

export interface FlowFormat {
  columns: readonly FlowColumn[];
  /** The field names in header style (`version account-id …`): parses back to the same format. */
  text: string;
}

const KNOWN_COLUMNS: readonly FlowColumn[] = [
  { name: 'version', kind: 'int', key: 'version' },
  { name: 'account-id', kind: 'event' },
  { name: 'interface-id', kind: 'text', key: 'interfaceId' },
  { name: 'srcaddr', kind: 'text', key: 'srcAddr' },
  { name: 'dstaddr', kind: 'text', key: 'dstAddr' },
  { name: 'srcport', kind: 'int', key: 'srcPort' },
  { name: 'dstport', kind: 'int', key: 'dstPort' },
  { name: 'protocol', kind: 'int', key: 'protocol' },
  { name: 'packets', kind: 'int', key: 'packets' },
  { name: 'bytes', kind: 'int', key: 'bytes' },
  { name: 'start', kind: 'seconds', key: 'start' },
  { name: 'end', kind: 'seconds', key: 'end' },
  { name: 'action', kind: 'text', key: 'action' },
  { name: 'log-status', kind: 'text', key: 'logStatus' },
  { name: 'vpc-id', kind: 'text', key: 'vpcId' },
  { name: 'subnet-id', kind: 'text', key: 'subnetId' },
  { name: 'instance-id', kind: 'text', key: 'instanceId' },
  { name: 'tcp-flags', kind: 'int', key: 'tcpFlags' },
  { name: 'type', kind: 'text', key: 'trafficType' },
  { name: 'pkt-srcaddr', kind: 'text', key: 'pktSrcAddr' },
  { name: 'pkt-dstaddr', kind: 'text', key: 'pktDstAddr' },
  { name: 'region', kind: 'event' },
  { name: 'az-id', kind: 'text', key: 'azId' },
  { name: 'sublocation-type', kind: 'text', key: 'sublocationType' },
  { name: 'sublocation-id', kind: 'text', key: 'sublocationId' },
  { name: 'pkt-src-aws-service', kind: 'text', key: 'pktSrcAwsService' },
  { name: 'pkt-dst-aws-service', kind: 'text', key: 'pktDstAwsService' },
  { name: 'flow-direction', kind: 'text', key: 'flowDirection' },
  { name: 'traffic-path', kind: 'int', key: 'trafficPath' },
];

/** v7+ fields with no FlowRecord slot: kept in `raw`, and recognised in header lines. */
const EXTRA_COLUMN_NAMES = [
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
  'reject-reason',
];

const COLUMN_BY_NAME = new Map<string, FlowColumn>(KNOWN_COLUMNS.map((column) => [column.name, column]));
const KNOWN_NAMES = new Set([...COLUMN_BY_NAME.keys(), ...EXTRA_COLUMN_NAMES]);
const FIELD_NAME = /^[a-z][a-z0-9-]*$/;
const PLACEHOLDER = /^\$\{(.*)\}$/;
const WHITESPACE = /\s+/;

/**
 * Reads a flow-log format string in either AWS style (`${version} ${vpc-id}`) or header style
 * (`version vpc-id`); throws DecodeError('flow_format_invalid') for one that cannot give an event time.
 *
 *   parseFlowFormat('${version} ${account-id} ${start} ${action}').columns.length // 4
 */
export function parseFlowFormat(text: string): FlowFormat {
  const names = text
    .trim()
    .split(WHITESPACE)
    .map((token) => PLACEHOLDER.exec(token)?.[1] ?? token);
  const seen = new Set<string>();
  for (const name of names) {
    if (!FIELD_NAME.test(name)) throw new DecodeError('flow_format_invalid', `bad field name '${name}'`);
    if (seen.has(name)) throw new DecodeError('flow_format_invalid', `duplicate field '${name}'`);
    seen.add(name);
  }
  if (!seen.has('start')) throw new DecodeError('flow_format_invalid', "format has no 'start' field");
  return {
    columns: names.map((name): FlowColumn => COLUMN_BY_NAME.get(name) ?? { name, kind: 'extra' }),
    text: names.join(' '),
  };
}

/** The default (version 2) format. */
export const DEFAULT_FLOW_FORMAT: FlowFormat = parseFlowFormat(
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
);

/**
 * Whether a line is a flow-log header (as in flow logs delivered to S3): every token a flow field name.
 *
 *   isFlowHeader('version account-id interface-id') // true
 */
export function isFlowHeader(line: string): boolean {
  const trimmed = line.trim();
  // Data lines almost always fail on the first token: check it before splitting the whole line.
  if (!KNOWN_NAMES.has(trimmed.split(' ', 1)[0] ?? '')) return false;
  return trimmed.split(WHITESPACE).every((token) => KNOWN_NAMES.has(token));
}
