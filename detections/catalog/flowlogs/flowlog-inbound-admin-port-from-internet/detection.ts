import { filter, map } from 'rxjs';
import type { FlowRecord, SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { isPublicAddress } from '../../public-address.js';
import { NO_START_TIME, OCSF_RECORD } from '../panther-flow-tests.js';

const ID = 'flowlog-inbound-admin-port-from-internet';

/** `ports`: remote-administration ports that must not be reachable from the internet (at least one). */
export const DEFAULT_PARAMS = { ports: [22, 3389] };

const SERVICE_BY_PORT: Readonly<Record<number, string>> = { 22: 'SSH', 3389: 'RDP' };
const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 6: 'tcp', 17: 'udp' };

/**
 * An ACCEPTed flow from a public address to a remote-administration port (default 22 and 3389).
 * One finding per (destination, port, source) an hour.
 */
export const detection: Detection = {
  id: ID,
  title: 'Admin port reached from the internet',
  description:
    'A connection from the internet to SSH or RDP was accepted: a security group or network ACL lets the ' +
    'whole internet reach a remote-administration port. These ports are brute-forced within minutes of being ' +
    'exposed, and one weak password or unpatched service gives an attacker a shell on the instance.',
  severity: 'high',
  mitre: ['T1133', 'T1021.004'],
  tactics: ['initial-access', 'lateral-movement'],
  panther: {
    rules: ['AWS.VPC.InboundPortWhitelist', 'AWS.VPC.InboundPortBlacklist'],
    differences: [
      {
        rule: 'AWS.VPC.InboundPortWhitelist',
        test: 'Public to Private IP on Restricted Port',
        reason: NO_START_TIME,
      },
      {
        rule: 'AWS.VPC.InboundPortWhitelist',
        test: 'Public to Private IP on Restricted Port - OCSF',
        reason: OCSF_RECORD,
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html',
  remediation:
    'Find the security group rule that allows the port from 0.0.0.0/0 or ::/0 on the network interface in the ' +
    'finding (EC2 console > Network interfaces > <eni> > Security groups > Inbound rules) and remove it ' +
    '(`aws ec2 revoke-security-group-ingress --group-id sg-... --protocol tcp --port 22 --cidr 0.0.0.0/0`). ' +
    'Use Session Manager or EC2 Instance Connect Endpoint instead of open SSH/RDP, and check the instance ' +
    'for logins from the source address.',
  routes: [{ source: 'flowlog', actions: ['ACCEPT'] }],
  dedupPeriodMs: hours(1),
  operator: ({ params }) => {
    const ports = paramReader(ID, params).ports('ports', DEFAULT_PARAMS.ports, { nonEmpty: true });
    const adminPorts = new Set(ports);
    return (events) =>
      events.pipe(
        filter(
          (event) =>
            event.flow !== null &&
            event.flow.dstPort !== null &&
            adminPorts.has(event.flow.dstPort) &&
            isPublicAddress(event.flow.srcAddr ?? ''),
        ),
        map((event) => adminPortFinding(event, event.flow!)),
      );
  },
};

function adminPortFinding(event: SecurityEvent, flow: FlowRecord) {
  const port = flow.dstPort ?? 0;
  const protocol =
    flow.protocol === null ? 'unknown' : (PROTOCOL_NAMES[flow.protocol] ?? String(flow.protocol));
  const service = SERVICE_BY_PORT[port] ?? `port ${port}`;
  const target = `${flow.dstAddr ?? 'unknown'}${flow.interfaceId ? ` (${flow.interfaceId})` : ''}`;
  return buildFinding(detection, {
    key: `${event.account ?? 'unknown'}/${flow.dstAddr}/${port}/${flow.srcAddr}`,
    trigger: event,
    title: `Inbound ${service} (${port}/${protocol}) from ${flow.srcAddr} accepted by ${target}`,
    description:
      `${flow.srcAddr}, an internet address, connected to ${service} on ${target} and the connection was ` +
      'accepted: the port is open to the internet.',
    principal: null,
    context: {
      srcAddr: flow.srcAddr ?? '',
      dstAddr: flow.dstAddr ?? '',
      dstPort: String(port),
      protocol,
      interfaceId: flow.interfaceId ?? '',
      packets: String(flow.packets ?? ''),
      bytes: String(flow.bytes ?? ''),
    },
  });
}
