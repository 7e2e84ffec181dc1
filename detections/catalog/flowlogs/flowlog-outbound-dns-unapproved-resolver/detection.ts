import { filter, map } from 'rxjs';
import type { FlowRecord, SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { addressSet } from '../../address-set.js';
import { paramReader } from '../../params.js';
import { isPublicAddress } from '../../public-address.js';
import { NO_START_TIME, OCSF_RECORD } from '../panther-flow-tests.js';

const ID = 'flowlog-outbound-dns-unapproved-resolver';

/**
 * `approvedResolvers`: internet resolvers instances may query directly (addresses or CIDRs, e.g. a DNS
 * filtering service). The VPC resolver (VPC base + 2, 169.254.169.253) is private and always allowed.
 */
export const DEFAULT_PARAMS = { approvedResolvers: [] as string[] };

const DNS_PORTS = new Set([53, 853]);

/**
 * An accepted flow from a private address to port 53 (DNS) or 853 (DNS over TLS) of a public address that is
 * not an approved resolver. One finding per (source, resolver) an hour.
 */
export const detection: Detection = {
  id: ID,
  title: 'DNS queries to an unapproved internet resolver',
  description:
    'An instance sent DNS traffic (port 53, or 853 for DNS over TLS) straight to a resolver on the internet ' +
    'instead of the VPC resolver, and the flow was accepted. Queries that bypass the VPC resolver escape Route ' +
    '53 Resolver query logging and DNS Firewall, and DNS to an attacker-run server is a classic channel for ' +
    'command and control and for tunnelling data out.',
  severity: 'medium',
  mitre: ['T1071.004', 'T1048'],
  tactics: ['command-and-control', 'exfiltration'],
  panther: {
    rules: ['AWS.VPC.UnapprovedOutboundDNS'],
    differences: [
      {
        rule: 'AWS.VPC.UnapprovedOutboundDNS',
        test: 'Unapproved Outbound DNS Traffic',
        reason: NO_START_TIME,
      },
      {
        rule: 'AWS.VPC.UnapprovedOutboundDNS',
        test: 'Unapproved Outbound DNS Traffic - OCSF',
        reason: OCSF_RECORD,
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall.html',
  remediation:
    'Find the process on the instance behind the source address that queries the resolver (`ss -unp`, ' +
    '`lsof -i :53`). If it is not an approved tool, isolate the instance and investigate it; block outbound ' +
    'port 53/853 except to the VPC resolver in the security groups and network ACLs (`aws ec2 ' +
    'revoke-security-group-egress ...`), and enforce resolution through Route 53 Resolver DNS Firewall.',
  routes: [{ source: 'flowlog', actions: ['ACCEPT'] }],
  dedupPeriodMs: hours(1),
  operator: ({ params }) => {
    const approved = addressSet(
      paramReader(ID, params),
      ID,
      'approvedResolvers',
      DEFAULT_PARAMS.approvedResolvers,
    );
    return (events) =>
      events.pipe(
        filter(
          (event) =>
            event.flow !== null && isUnapprovedDns(event.flow) && !approved.has(event.flow.dstAddr ?? ''),
        ),
        map((event) => dnsFinding(event, event.flow!)),
      );
  },
};

function isUnapprovedDns(flow: FlowRecord): boolean {
  return (
    flow.dstPort !== null &&
    DNS_PORTS.has(flow.dstPort) &&
    flow.srcAddr !== null &&
    flow.dstAddr !== null &&
    !isPublicAddress(flow.srcAddr) &&
    isPublicAddress(flow.dstAddr)
  );
}

function dnsFinding(event: SecurityEvent, flow: FlowRecord) {
  const protocol = flow.dstPort === 853 ? 'DNS over TLS' : flow.protocol === 6 ? 'DNS over TCP' : 'DNS';
  const source = `${flow.srcAddr}${flow.interfaceId ? ` (${flow.interfaceId})` : ''}`;
  return buildFinding(detection, {
    key: `${event.account ?? 'unknown'}/${flow.srcAddr}/${flow.dstAddr}`,
    trigger: event,
    title: `${protocol} from ${source} to unapproved resolver ${flow.dstAddr}`,
    description:
      `${source} sent ${flow.packets ?? '?'} packet(s) of ${protocol} to ${flow.dstAddr}:${flow.dstPort}, an ` +
      'internet resolver that is not approved; the flow was accepted.',
    principal: null,
    context: {
      srcAddr: flow.srcAddr ?? '',
      dstAddr: flow.dstAddr ?? '',
      dstPort: String(flow.dstPort),
      protocol: String(flow.protocol ?? ''),
      interfaceId: flow.interfaceId ?? '',
      bytes: String(flow.bytes ?? ''),
    },
  });
}
