import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { addressRange, isInternetWide } from '../../cidr.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule, type RuleMatch } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'ec2-route-to-internet-or-instance',
  title: 'Route opened to the internet, or traffic routed through an instance',
  description:
    'A route table got a route that changes who can reach what: the internet (any /0 or a large part of it) sent ' +
    'to an internet gateway, making the subnet public, or to a VPC peering connection; or traffic for any ' +
    'destination sent through an instance or network interface, which can read and alter it (a NAT instance does ' +
    'this on purpose, an attacker to intercept). Medium. An internet gateway attached to a VPC is low: it opens ' +
    'nothing until a route uses it.',
  severity: 'medium',
  mitre: ['T1562.007', 'T1599'],
  tactics: ['defense-evasion'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html',
  remediation:
    'Check the route with the network owner; if it is not wanted, delete or replace it (`aws ec2 delete-route ' +
    '--route-table-id <rtb> --destination-cidr-block <cidr>`, VPC console → Route tables → Routes → Edit routes) ' +
    'and detach an unexpected internet gateway (`aws ec2 detach-internet-gateway`). Keep routes in IaC.',
  actions: ['ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:AttachInternetGateway'],
  match: (event) => {
    const who = actor(event);
    if (event.action === 'ec2:AttachInternetGateway') {
      const gateway = text(request(event, 'internetGatewayId')) ?? 'unknown';
      const vpc = text(request(event, 'vpcId')) ?? 'unknown';
      return {
        key: `${event.account}:${vpc}:${gateway}`,
        severity: 'low',
        title: `Internet gateway ${gateway} attached to ${vpc} by ${who}`,
        description: `${who} attached internet gateway ${gateway} to ${vpc}: a route to it makes a subnet reachable from the internet.`,
        resources: [{ type: 'AWS::EC2::VPC', id: vpc, account: event.account }],
        context: { vpcId: vpc, target: gateway },
      };
    }
    return routeChange(event, who);
  },
});

function routeChange(event: SecurityEvent, who: string): RuleMatch | null {
  const destination =
    text(request(event, 'destinationCidrBlock')) ??
    text(request(event, 'destinationIpv6CidrBlock')) ??
    text(request(event, 'destinationPrefixListId')) ??
    'unknown';
  const internet = isInternetWide(addressRange(destination));
  const target = routeTarget(event, internet);
  if (target === null) return null;
  const table = text(request(event, 'routeTableId')) ?? 'unknown';
  return {
    key: `${event.account}:${table}:${destination}`,
    severity: target.severity,
    title: `Route table ${table} sends ${destination} to ${target.label} by ${who}`,
    description: `${who} called ${event.action}: traffic of ${table} for ${destination} now goes to ${target.label}.`,
    resources: [{ type: 'AWS::EC2::RouteTable', id: table, account: event.account }],
    context: { routeTableId: table, destination, target: target.id },
  };
}

/** The route's target, if it is one this detection reports. */
function routeTarget(
  event: SecurityEvent,
  internet: boolean,
): { label: string; id: string; severity: Severity } | null {
  const gateway = text(request(event, 'gatewayId'));
  const instance = text(request(event, 'instanceId'));
  const eni = text(request(event, 'networkInterfaceId'));
  const peering = text(request(event, 'vpcPeeringConnectionId'));
  if (instance !== null) return { label: `instance ${instance}`, id: instance, severity: 'medium' };
  if (eni !== null) return { label: `network interface ${eni}`, id: eni, severity: 'medium' };
  if (!internet) return null;
  if (gateway?.startsWith('igw-'))
    return { label: `internet gateway ${gateway}`, id: gateway, severity: 'medium' };
  if (peering !== null) return { label: `peering connection ${peering}`, id: peering, severity: 'medium' };
  return null;
}
