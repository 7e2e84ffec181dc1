import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours, minutes, tumbling, type WindowMatch, windowBy } from '../../../operators/index.js';
import { InvalidDetectionParamError, paramReader } from '../../params.js';
import { type AddressList, addressList } from '../address-list.js';
import { formatBytes, interfaceOf } from '../flow.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'flowlog-threat-list-traffic';

/** `cidrs`: listed addresses and networks; `file`: a threat list, one address or CIDR per line; `windowMinutes`. */
export const DEFAULT_PARAMS = { cidrs: [] as string[], file: '', windowMinutes: 10 };

export const shape: CorrelationShape = {
  window: 'tumbling 10 min',
  key: 'interface + listed address',
  partitionKey: 'interface (ENI)',
};

/**
 * Traffic between an interface and an address on a threat list (CIDRs from a file named in the config, e.g. a
 * feed of command-and-control or Tor exit addresses), summarised per interface, address and 10 minutes: bytes
 * each way, ports, accepted or rejected. Accepted traffic is high; only rejected traffic is low.
 */
export const detection: Detection = {
  id: ID,
  title: 'Traffic with an address on the threat list',
  description:
    'An interface exchanged traffic with an address on the configured threat list (`file`, one address or CIDR ' +
    'per line, and `cidrs`). Accepted traffic to or from command-and-control servers, Tor exits or known scanners ' +
    'means an instance is talking to them (high); rejected traffic only means they knocked (low). Without a list ' +
    'configured, nothing is reported.',
  severity: 'high',
  mitre: ['T1071', 'T1041', 'T1090.003'],
  tactics: ['command-and-control', 'exfiltration'],
  runbook:
    'https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateless-rule-groups-5-tuple.html',
  remediation:
    'Identify the instance behind the interface and what process talks to the address (its logs, `ss -tp`). If ' +
    'it is not expected, isolate the instance (a security group with no rules), snapshot it, and block the ' +
    'address for the VPC (network ACL deny rule, or a Network Firewall rule group fed by the same list).',
  routes: [{ source: 'flowlog', actions: ['ACCEPT', 'REJECT'] }],
  dedupPeriodMs: hours(1),
  // Which records match depends on the configured list, so ingest publishes every record with an interface.
  stateful: { partitionKey: interfaceOf },
  operator: ({ clock, params }) => {
    const read = paramReader(ID, params);
    const file = fileParam(params.file);
    const list = addressList(ID, { entries: read.strings('cidrs', DEFAULT_PARAMS.cidrs), file });
    const windowMinutes = read.positiveInteger('windowMinutes', DEFAULT_PARAMS.windowMinutes);
    return (events) =>
      events.pipe(
        filter(
          (event) => list.size > 0 && listedAddress(list, event) !== null && interfaceOf(event) !== null,
        ),
        windowBy({
          clock,
          key: (event) => `${interfaceOf(event)}|${listedAddress(list, event)}`,
          window: tumbling(minutes(windowMinutes)),
        }),
        map((match) => threatFinding(match, list)),
      );
  },
};

/** The `file` param: a path (relative to the working directory), or nothing. */
function fileParam(value: unknown): string | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string')
    throw new InvalidDetectionParamError(ID, 'file', `expected a path, got ${JSON.stringify(value)}`);
  return value;
}

/** The address of the record that is on the list (the source if both are). */
function listedAddress(list: AddressList, event: SecurityEvent): string | null {
  const { srcAddr = null, dstAddr = null } = event.flow ?? {};
  if (srcAddr !== null && list.has(srcAddr)) return srcAddr;
  return dstAddr !== null && list.has(dstAddr) ? dstAddr : null;
}

function threatFinding(match: WindowMatch<SecurityEvent>, list: AddressList) {
  const trigger = match.items[0] as SecurityEvent;
  const eni = interfaceOf(trigger) as string;
  const listed = listedAddress(list, trigger) as string;
  const sum = (events: SecurityEvent[]) =>
    events.reduce((total, event) => total + (event.flow?.bytes ?? 0), 0);
  const outbound = match.items.filter((event) => event.flow?.dstAddr === listed);
  const inbound = match.items.filter((event) => event.flow?.srcAddr === listed);
  const accepted = match.items.filter((event) => event.action === 'ACCEPT');
  const ports = [
    ...new Set(
      match.items.map((event) =>
        event.flow?.dstAddr === listed ? event.flow?.dstPort : event.flow?.srcPort,
      ),
    ),
  ]
    .filter((port): port is number => typeof port === 'number')
    .sort((a, b) => a - b);
  const told = story([
    ...(accepted.length > 0 ? [{ name: 'accepted', events: accepted }] : []),
    ...(accepted.length < match.items.length
      ? [{ name: 'rejected', events: match.items.filter((event) => event.action !== 'ACCEPT') }]
      : []),
  ]);
  return buildFinding(detection, {
    key: match.key,
    trigger,
    events: told.events,
    window: match.window,
    severity: accepted.length > 0 ? 'high' : 'low',
    principal: null,
    title: `${eni} ${accepted.length > 0 ? 'exchanged traffic with' : 'was probed by'} listed address ${listed}`,
    description:
      `${match.count} flow record(s) between ${eni} and ${listed} (on the threat list) in ` +
      `${new Date(match.window.start).toISOString()}–${new Date(match.window.end).toISOString()}: ` +
      `${formatBytes(sum(outbound))} sent to it, ${formatBytes(sum(inbound))} received, ports ${ports.join(', ')}, ` +
      `${accepted.length} accepted.`,
    resources: [{ type: 'AWS::EC2::NetworkInterface', id: eni, account: trigger.account }],
    context: {
      ...told.context,
      listedAddress: listed,
      bytesOut: String(sum(outbound)),
      bytesIn: String(sum(inbound)),
      ports: ports.join(','),
      accepted: String(accepted.length),
    },
  });
}
