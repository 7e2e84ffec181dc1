import type { JsonValue } from '../../../../schemas/types.js';
import { at, request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = { trustedAccounts: [] as string[] };

export const detection = cloudTrailRule({
  id: 'ec2-vpc-peering-external',
  title: 'VPC peered with another account',
  description:
    'A VPC peering connection with a VPC of another account (not in `trustedAccounts`) was accepted (high: the two ' +
    'networks can now reach each other as routes allow, a path for lateral movement and exfiltration that bypasses ' +
    'the internet edge) or requested (medium).',
  severity: 'high',
  mitre: ['T1599', 'T1537'],
  tactics: ['lateral-movement', 'exfiltration'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/vpc/latest/peering/what-is-vpc-peering.html',
  remediation:
    'Confirm the peer with the network owner; if unknown, delete the connection (`aws ec2 ' +
    'delete-vpc-peering-connection --vpc-peering-connection-id <pcx>`, VPC console → Peering connections) and the ' +
    "routes that use it, then review flow logs for traffic with the peer's CIDR. Restrict ec2:AcceptVpcPeeringConnection " +
    'and ec2:CreateVpcPeeringConnection to the network team.',
  actions: ['ec2:CreateVpcPeeringConnection', 'ec2:AcceptVpcPeeringConnection'],
  settings: (read) => ({
    trustedAccounts: read.accountIds('trustedAccounts', DEFAULT_PARAMS.trustedAccounts),
  }),
  match: (event, settings) => {
    const connection = response(event, 'vpcPeeringConnection');
    const accepted = event.action === 'ec2:AcceptVpcPeeringConnection';
    const requester = info(connection, 'requesterVpcInfo');
    const accepter = info(connection, 'accepterVpcInfo');
    const peer = accepted
      ? requester
      : {
          owner: text(request(event, 'peerOwnerId')) ?? accepter.owner,
          vpc: text(request(event, 'peerVpcId')) ?? accepter.vpc,
          cidr: accepter.cidr,
        };
    const own = accepted ? accepter.vpc : (text(request(event, 'vpcId')) ?? requester.vpc);
    if (peer.owner === null || peer.owner === event.account || settings.trustedAccounts.includes(peer.owner))
      return null;
    const id =
      text(at(connection, 'vpcPeeringConnectionId')) ??
      text(request(event, 'vpcPeeringConnectionId')) ??
      'unknown';
    const who = actor(event);
    const verb = accepted ? 'accepted' : 'requested';
    return {
      key: `${event.account}:${id}`,
      severity: accepted ? 'high' : 'medium',
      title: `VPC peering ${id} with account ${peer.owner} ${verb} by ${who}`,
      description: `${who} ${verb} peering ${id} between ${own ?? 'a VPC'} and ${peer.vpc ?? 'a VPC'}${peer.cidr === null ? '' : ` (${peer.cidr})`} of account ${peer.owner}.`,
      resources: [{ type: 'AWS::EC2::VPCPeeringConnection', id, account: event.account }],
      context: { peeringId: id, peerAccount: peer.owner, peerVpc: peer.vpc ?? '', peerCidr: peer.cidr ?? '' },
    };
  },
});

function info(connection: JsonValue | undefined, side: string) {
  return {
    owner: text(at(connection, side, 'ownerId')),
    vpc: text(at(connection, side, 'vpcId')),
    cidr: text(at(connection, side, 'cidrBlock')),
  };
}
