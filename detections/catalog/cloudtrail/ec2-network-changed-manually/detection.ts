import { hours } from '../../../operators/index.js';
import { IAC_USER_AGENTS, madeByAutomation } from '../automation-agent.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = { automationUserAgents: IAC_USER_AGENTS };

const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'network ACL': 'AWS::EC2::NetworkAcl',
  'route table': 'AWS::EC2::RouteTable',
  gateway: 'AWS::EC2::InternetGateway',
  VPC: 'AWS::EC2::VPC',
};

/** Per call: the kind of network object it changes and the request fields that name it, first present wins. */
const CHANGES: Readonly<Record<string, { kind: string; names: readonly string[] }>> = {
  CreateNetworkAcl: { kind: 'network ACL', names: ['vpcId'] },
  DeleteNetworkAcl: { kind: 'network ACL', names: ['networkAclId'] },
  CreateNetworkAclEntry: { kind: 'network ACL', names: ['networkAclId'] },
  ReplaceNetworkAclEntry: { kind: 'network ACL', names: ['networkAclId'] },
  DeleteNetworkAclEntry: { kind: 'network ACL', names: ['networkAclId'] },
  ReplaceNetworkAclAssociation: { kind: 'network ACL', names: ['networkAclId'] },
  CreateRouteTable: { kind: 'route table', names: ['vpcId'] },
  DeleteRouteTable: { kind: 'route table', names: ['routeTableId'] },
  CreateRoute: { kind: 'route table', names: ['routeTableId'] },
  ReplaceRoute: { kind: 'route table', names: ['routeTableId'] },
  DeleteRoute: { kind: 'route table', names: ['routeTableId'] },
  AssociateRouteTable: { kind: 'route table', names: ['routeTableId'] },
  ReplaceRouteTableAssociation: { kind: 'route table', names: ['routeTableId', 'associationId'] },
  DisassociateRouteTable: { kind: 'route table', names: ['associationId'] },
  CreateInternetGateway: { kind: 'gateway', names: [] },
  AttachInternetGateway: { kind: 'gateway', names: ['internetGatewayId'] },
  DetachInternetGateway: { kind: 'gateway', names: ['internetGatewayId'] },
  DeleteInternetGateway: { kind: 'gateway', names: ['internetGatewayId'] },
  CreateCustomerGateway: { kind: 'gateway', names: ['ipAddress'] },
  DeleteCustomerGateway: { kind: 'gateway', names: ['customerGatewayId'] },
  CreateNatGateway: { kind: 'gateway', names: ['subnetId'] },
  DeleteNatGateway: { kind: 'gateway', names: ['natGatewayId'] },
  CreateVpc: { kind: 'VPC', names: ['cidrBlock'] },
  DeleteVpc: { kind: 'VPC', names: ['vpcId'] },
  ModifyVpcAttribute: { kind: 'VPC', names: ['vpcId'] },
  CreateVpcPeeringConnection: { kind: 'VPC', names: ['vpcId'] },
  AcceptVpcPeeringConnection: { kind: 'VPC', names: ['vpcPeeringConnectionId'] },
  DeleteVpcPeeringConnection: { kind: 'VPC', names: ['vpcPeeringConnectionId'] },
  RejectVpcPeeringConnection: { kind: 'VPC', names: ['vpcPeeringConnectionId'] },
  AttachClassicLinkVpc: { kind: 'VPC', names: ['vpcId'] },
  DetachClassicLinkVpc: { kind: 'VPC', names: ['vpcId'] },
  EnableVpcClassicLink: { kind: 'VPC', names: ['vpcId'] },
  DisableVpcClassicLink: { kind: 'VPC', names: ['vpcId'] },
};

export const detection = cloudTrailRule({
  id: 'ec2-network-changed-manually',
  title: 'VPC network changed outside infrastructure-as-code',
  description:
    'A network ACL, route table, internet/NAT/customer gateway, VPC or VPC peering was created, changed or deleted ' +
    'from the console, the CLI or a script rather than by infrastructure-as-code (user agents in ' +
    '`automationUserAgents`). Inventory-grade: unreviewed network changes are how paths into and out of private ' +
    'subnets appear; the risky ones are also reported by ec2-network-acl-open-to-world, ' +
    'ec2-route-to-internet-or-instance and ec2-vpc-peering-external.',
  severity: 'info',
  mitre: ['T1562.007'],
  tactics: ['defense-evasion'],
  failedCalls: 'ignored',
  // inventory-grade: one person's edits to one network object within an hour are one finding with a count
  dedupPeriodMs: hours(1),
  panther: {
    rules: [
      'AWS.EC2.NetworkACLModified',
      'AWS.EC2.GatewayModified',
      'AWS.EC2.RouteTableModified',
      'AWS.EC2.VPCModified',
    ],
  },
  runbook: 'https://docs.aws.amazon.com/vpc/latest/userguide/configure-your-vpc.html',
  remediation:
    "Ask the person who made the change whether it is needed; add it to the network's IaC definition or revert it " +
    '(VPC console, or the matching `aws ec2 delete-*` / `replace-*` call), and find drift with `terraform plan` or ' +
    'CloudFormation drift detection.',
  actions: Object.keys(CHANGES).map((call) => `ec2:${call}`),
  settings: (read) => ({
    automationUserAgents: read.strings('automationUserAgents', DEFAULT_PARAMS.automationUserAgents),
  }),
  match: (event, settings) => {
    if (madeByAutomation(event, settings.automationUserAgents)) return null;
    const call = event.action.slice('ec2:'.length);
    const change = CHANGES[call];
    if (change === undefined) return null;
    const named =
      change.names.map((name) => text(request(event, name))).find((value) => value !== null) ??
      text(response(event, 'internetGateway', 'internetGatewayId')) ??
      'unknown';
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${named}:${who}`,
      title: `${change.kind} ${named} changed by hand (${call}) by ${who}`,
      description: `${who} called ${call} (${change.kind} ${named}) from ${event.userAgent ?? 'an unknown client'}, outside infrastructure-as-code.`,
      resources: [
        { type: RESOURCE_TYPES[change.kind] ?? 'AWS::EC2::VPC', id: named, account: event.account },
      ],
      context: { kind: change.kind, resource: named },
    };
  },
});
