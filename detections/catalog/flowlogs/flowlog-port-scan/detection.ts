import { filter, map } from 'rxjs';
import type { FlowRecord, SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, MAX_EVIDENCE } from '../../../finding.js';
import { type DistinctMatch, distinctCount, hours, minutes, tumbling } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { NO_START_TIME } from '../panther-flow-tests.js';

const ID = 'flowlog-port-scan';

/** `minPorts`: distinct destination ports one source must touch within the window. */
export const DEFAULT_PARAMS = { minPorts: 25, windowMinutes: 1 };

/**
 * One source address reaching at least `minPorts` distinct destination ports within a tumbling
 * `windowMinutes` window (default 25 in 1 minute), accepted or rejected. Tumbling, not sliding: flow records
 * are aggregated over 1 or 10 minutes anyway, so finer windows add no precision. Replies from well-known
 * service ports (< 1024) to ephemeral ports are not probes and are skipped.
 */
export const detection: Detection = {
  id: ID,
  title: 'Port scan from one address',
  description:
    'One address tried many different destination ports within a minute: a port scan looking for exposed ' +
    'services. From the internet it maps your attack surface; from inside the VPC it usually means an instance ' +
    'is compromised and exploring the network.',
  severity: 'medium',
  mitre: ['T1046'],
  tactics: ['discovery'],
  panther: {
    rules: ['AWS.VPC.PortScanning'],
    differences: [
      'Egress to Non-Common Port',
      'Egress from External IP - Default Severity',
      'Egress from Internal IP - High Severity',
    ].map((test) => ({ rule: 'AWS.VPC.PortScanning', test, reason: NO_START_TIME })),
  },
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html',
  remediation:
    'If the source is outside your network, check which scanned ports were ACCEPTed (context) and close them ' +
    'in the security groups (EC2 console > Security Groups > Inbound rules) or block the address in the ' +
    'subnet network ACL (`aws ec2 create-network-acl-entry --rule-action deny ...`). If the source is one of ' +
    'your instances, isolate it with a security group that allows no traffic and investigate it as compromised.',
  routes: [{ source: 'flowlog', actions: ['ACCEPT', 'REJECT'] }],
  dedupPeriodMs: hours(1),
  // Keyed like the operator (account/source): one busy account's flows spread over the keyed stream.
  stateful: {
    partitionKey: (event) => (event.flow !== null && isProbe(event.flow) ? event.flow.srcAddr : null),
  },
  operator: ({ clock, params }) => {
    const read = paramReader(ID, params);
    const settings = {
      minPorts: read.positiveInteger('minPorts', DEFAULT_PARAMS.minPorts),
      windowMinutes: read.positiveInteger('windowMinutes', DEFAULT_PARAMS.windowMinutes),
    };
    return (events) =>
      events.pipe(
        filter((event) => event.flow !== null && isProbe(event.flow)),
        // Windows wait for the watermark holding nearly every flow: without the raw fields (the finding reads
        // only the parsed record), each held flow costs about half.
        map((event): SecurityEvent => ({ ...event, raw: null })),
        distinctCount({
          clock,
          key: (event) =>
            event.flow?.srcAddr ? `${event.account ?? 'unknown'}/${event.flow.srcAddr}` : null,
          distinct: (event) => String(event.flow?.dstPort),
          window: tumbling(minutes(settings.windowMinutes)),
          atLeast: settings.minPorts,
        }),
        map((match) => portScanFinding(match, settings)),
      );
  },
};

/** A flow that could be a probe: has a destination port, and is not a reply from a well-known service port. */
function isProbe(flow: FlowRecord): boolean {
  if (flow.dstPort === null) return false;
  return !(flow.srcPort !== null && flow.srcPort < 1024 && flow.dstPort >= 1024);
}

function portScanFinding(match: DistinctMatch<SecurityEvent>, settings: typeof DEFAULT_PARAMS) {
  const trigger = match.items.at(-1)!;
  const source = trigger.flow?.srcAddr ?? match.key;
  const ports = match.values.map(Number).sort((a, b) => a - b);
  const targets = [...new Set(match.items.map((event) => event.flow?.dstAddr ?? ''))].filter(Boolean).sort();
  const acceptedPorts = [
    ...new Set(match.items.filter((event) => event.action === 'ACCEPT').map((event) => event.flow?.dstPort)),
  ]
    .filter((port): port is number => port !== null && port !== undefined)
    .sort((a, b) => a - b);
  const interfaces = [...new Set(match.items.map((event) => event.flow?.interfaceId ?? ''))]
    .filter(Boolean)
    .sort();
  return buildFinding(detection, {
    key: match.key,
    trigger,
    events: match.items,
    window: match.window,
    title: `Port scan from ${source}: ${ports.length} ports on ${targets.length} address(es) within ${settings.windowMinutes} minute(s)`,
    description:
      `${source} sent traffic to ${ports.length} distinct ports (${summarise(ports)}) of ${targets.join(', ')}; ` +
      `${acceptedPorts.length} of them were accepted${acceptedPorts.length > 0 ? ` (${summarise(acceptedPorts)})` : ''}.`,
    principal: null,
    resources: interfaces
      .slice(0, MAX_EVIDENCE)
      .map((id) => ({ type: 'AWS::EC2::NetworkInterface', id, account: trigger.account })),
    context: {
      srcAddr: source,
      dstAddrs: targets.slice(0, MAX_EVIDENCE).join(','),
      distinctPorts: String(ports.length),
      acceptedPorts: acceptedPorts.join(','),
      flows: String(match.count),
      windowMinutes: String(settings.windowMinutes),
    },
  });
}

/** The first ports and how many more, to keep titles and descriptions short. */
function summarise(ports: readonly number[]): string {
  const shown = ports.slice(0, 10).join(', ');
  return ports.length > 10 ? `${shown} and ${ports.length - 10} more` : shown;
}
