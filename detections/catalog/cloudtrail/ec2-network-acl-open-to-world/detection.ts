import { addressRange, isInternetWide, rangeLabel } from '../../cidr.js';
import { ADMIN_PORTS } from '../admin-ports.js';
import { isTrue } from '../flag.js';
import { exposedPorts, portExposure } from '../port-exposure.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = { sensitivePorts: ADMIN_PORTS };

export const detection = cloudTrailRule({
  id: 'ec2-network-acl-open-to-world',
  title: 'Network ACL entry allowing inbound traffic from the internet',
  description:
    'A network ACL entry (created or replaced) allows inbound traffic from the whole internet (any /0, IPv4 or ' +
    'IPv6, however written) or a large part of it. Network ACLs are the subnet-level backstop behind security ' +
    'groups: an allow-all or admin-port entry from the internet removes it (medium); other ports are low.',
  severity: 'medium',
  mitre: ['T1562.007'],
  tactics: ['defense-evasion'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.CloudTrail.NetworkACLPermissiveEntry'] },
  runbook: 'https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html',
  remediation:
    'Replace or delete the entry (`aws ec2 delete-network-acl-entry --network-acl-id <acl> --ingress ' +
    '--rule-number <n>`, VPC console → Network ACLs → Inbound rules → Edit) so the subnet only accepts the sources ' +
    'it serves, keeping the ephemeral-port return traffic it needs.',
  actions: ['ec2:CreateNetworkAclEntry', 'ec2:ReplaceNetworkAclEntry'],
  settings: (read) => ({ sensitivePorts: read.ports('sensitivePorts', DEFAULT_PARAMS.sensitivePorts) }),
  match: (event, settings) => {
    if (isTrue(request(event, 'egress')) || text(request(event, 'ruleAction'))?.toLowerCase() !== 'allow')
      return null;
    const cidr = text(request(event, 'cidrBlock')) ?? text(request(event, 'ipv6CidrBlock'));
    const range = cidr === null ? null : addressRange(cidr);
    if (range === null || !isInternetWide(range)) return null;
    const exposure = portExposure(
      request(event, 'aclProtocol'),
      request(event, 'portRange', 'from'),
      request(event, 'portRange', 'to'),
    );
    const sensitive = exposedPorts(exposure, settings.sensitivePorts);
    const acl = text(request(event, 'networkAclId')) ?? 'unknown';
    const rule = text(request(event, 'ruleNumber')) ?? '?';
    const who = actor(event);
    return {
      key: `${acl}:${rule}`,
      severity: exposure.protocol === 'all' || sensitive.length > 0 ? 'medium' : 'low',
      title: `Network ACL ${acl} rule ${rule} allows ${exposure.label} from ${rangeLabel(range)} by ${who}`,
      description: `${who} made entry ${rule} of ${acl} allow ${exposure.label} in from ${rangeLabel(range)}.`,
      resources: [{ type: 'AWS::EC2::NetworkAcl', id: acl, account: event.account }],
      context: {
        networkAclId: acl,
        ruleNumber: rule,
        cidr: range.text,
        protocol: exposure.protocol,
        sensitivePorts: sensitive.join(','),
      },
    };
  },
});
