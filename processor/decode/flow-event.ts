import { stableId } from '../../detections/finding.js';
import type { FlowRecord, JsonObject, SecurityEvent } from '../../schemas/types.js';
import { DecodeError } from './dead-letter.js';

const STATUS_ACTIONS = new Set(['NODATA', 'SKIPDATA']);
const TRAFFIC_ACTIONS = new Set(['ACCEPT', 'REJECT']);

/** A FlowRecord with every field unknown; decoders fill what the line or object carries. */
export function emptyFlowRecord(): FlowRecord {
  return {
    version: null,
    interfaceId: null,
    srcAddr: null,
    dstAddr: null,
    srcPort: null,
    dstPort: null,
    protocol: null,
    packets: null,
    bytes: null,
    start: null,
    end: null,
    action: null,
    logStatus: null,
    vpcId: null,
    subnetId: null,
    instanceId: null,
    tcpFlags: null,
    trafficType: null,
    pktSrcAddr: null,
    pktDstAddr: null,
    azId: null,
    sublocationType: null,
    sublocationId: null,
    pktSrcAwsService: null,
    pktDstAwsService: null,
    flowDirection: null,
    trafficPath: null,
  };
}

/** NODATA/SKIPDATA records carry no traffic action: their log status is the action. */
export function flowAction(flow: FlowRecord): string | null {
  if (flow.logStatus !== null && STATUS_ACTIONS.has(flow.logStatus)) return flow.logStatus;
  return flow.action !== null && TRAFFIC_ACTIONS.has(flow.action) ? flow.action : null;
}

export interface FlowEventInput {
  /** What the stable id hashes: the line itself, or the JSON of a flow object. */
  identity: string;
  /** `stableId('flow', identity)` when already computed (by a decode thread). */
  id?: string;
  flow: FlowRecord;
  action: string;
  account: string | null;
  region: string | null;
  raw: JsonObject;
}

/**
 * The SecurityEvent of a decoded flow record; throws when it has no start time.
 *
 *   flowEvent({ identity: line, flow, action: 'ACCEPT', account: '1234', region: null, raw }).time
 */
export function flowEvent(input: FlowEventInput): SecurityEvent {
  const { flow } = input;
  if (flow.start === null) throw new DecodeError('missing_field', 'start');
  return {
    id: input.id ?? stableId('flow', input.identity),
    source: 'flowlog',
    time: flow.start,
    account: input.account,
    region: input.region,
    action: input.action,
    principal: null,
    srcIp: flow.srcAddr,
    userAgent: null,
    errorCode: null,
    readOnly: null,
    resources:
      flow.interfaceId === null
        ? []
        : [{ type: 'AWS::EC2::NetworkInterface', id: flow.interfaceId, account: input.account }],
    flow,
    guardduty: null,
    raw: input.raw,
  };
}
