import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { type AggregateMatch, aggregate, hours, minutes } from '../../../operators/index.js';
import { byTimeThenId } from '../../../operators/item-order.js';
import { paramReader } from '../../params.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'flowlog-rejected-connection-spike';

/** `atLeast` rejected flow records from one source within `windowMinutes`. */
export const DEFAULT_PARAMS = { atLeast: 200, windowMinutes: 5 };

export const shape: CorrelationShape = {
  window: 'tumbling 5 min',
  key: 'account + source address',
  partitionKey: 'source address',
};

interface Rejections {
  flows: number;
  ports: Set<number>;
  targets: Set<string>;
  interfaces: Set<string>;
  /** The earliest records, as evidence. */
  first: SecurityEvent[];
}

/**
 * A spike of rejected connections from one source address: hundreds of flows the security groups or network
 * ACLs refused within minutes — a brute force or a worm from outside, or, from one of your own addresses, a
 * compromised host hammering its neighbours. Counted as records arrive; the records are not kept.
 */
export const detection: Detection = {
  id: ID,
  title: 'Spike of rejected connections from one address',
  description:
    'One source address had 200 or more flow records rejected within 5 minutes (any ports, any destinations ' +
    'in the account). From the internet it is a brute force or a mass scan against your addresses; from a private ' +
    'address it is one of your hosts trying to reach what it should not — often a compromised instance.',
  severity: 'medium',
  mitre: ['T1110', 'T1046', 'T1210'],
  tactics: ['discovery', 'lateral-movement'],
  runbook: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html',
  remediation:
    'For an outside address: block it in the subnet network ACL (`aws ec2 create-network-acl-entry --rule-action ' +
    'deny --cidr-block <address>/32 ...`) or AWS WAF, and check nothing it tried is open. For one of your ' +
    'addresses: find the instance (`aws ec2 describe-network-interfaces --filters Name=addresses.private-ip-address,' +
    'Values=<address>`), isolate it with a security group with no rules, and investigate it.',
  routes: [{ source: 'flowlog', actions: ['REJECT'] }],
  dedupPeriodMs: hours(1),
  stateful: { partitionKey: (event) => (isRejection(event) ? (event.flow?.srcAddr ?? null) : null) },
  operator: ({ clock, params }) => {
    const read = paramReader(ID, params);
    const settings = {
      atLeast: read.positiveInteger('atLeast', DEFAULT_PARAMS.atLeast),
      windowMinutes: read.positiveInteger('windowMinutes', DEFAULT_PARAMS.windowMinutes),
    };
    return (events) =>
      events.pipe(
        filter(isRejection),
        aggregate<SecurityEvent, Rejections>({
          clock,
          key: (event) => `${event.account ?? 'unknown'}/${event.flow?.srcAddr}`,
          size: minutes(settings.windowMinutes),
          seed: () => ({ flows: 0, ports: new Set(), targets: new Set(), interfaces: new Set(), first: [] }),
          add: (window, event) => {
            window.flows += 1;
            if (event.flow?.dstPort != null) window.ports.add(event.flow.dstPort);
            if (event.flow?.dstAddr) window.targets.add(event.flow.dstAddr);
            if (event.flow?.interfaceId) window.interfaces.add(event.flow.interfaceId);
            window.first = [...window.first, event].sort(byTimeThenId).slice(0, 10);
            return window;
          },
        }),
        filter((window) => window.value.flows >= settings.atLeast),
        map((window) => spikeFinding(window, settings.windowMinutes)),
      );
  },
};

function isRejection(event: SecurityEvent): boolean {
  return event.action === 'REJECT' && event.flow?.srcAddr != null;
}

function spikeFinding(window: AggregateMatch<Rejections>, windowMinutes: number) {
  const { value } = window;
  const trigger = value.first[0] as SecurityEvent;
  const source = trigger.flow?.srcAddr ?? window.key;
  const ports = [...value.ports].sort((a, b) => a - b);
  const told = story([{ name: 'first rejected flows', events: value.first }]);
  return buildFinding(detection, {
    key: window.key,
    trigger,
    events: told.events,
    window: window.window,
    count: value.flows,
    principal: null,
    title: `${value.flows} rejected connections from ${source} within ${windowMinutes} minutes`,
    description:
      `${source} had ${value.flows} flow records rejected between ${new Date(window.window.start).toISOString()} and ` +
      `${new Date(window.window.end).toISOString()}, to ${value.targets.size} address(es) on ${ports.length} port(s) ` +
      `(${ports.slice(0, 10).join(', ')}${ports.length > 10 ? ', …' : ''}).`,
    resources: [...value.interfaces]
      .sort()
      .slice(0, 20)
      .map((id) => ({ type: 'AWS::EC2::NetworkInterface', id, account: trigger.account })),
    context: {
      ...told.context,
      srcAddr: source,
      flows: String(value.flows),
      ports: ports.slice(0, 50).join(','),
      targets: String(value.targets.size),
    },
  });
}
