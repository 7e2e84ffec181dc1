import { addressRange } from '../../cidr.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-security-group-ingress-authorized',
  title: 'RDS DB security group opened',
  description:
    'AuthorizeDBSecurityGroupIngress let a CIDR range or an EC2 security group into a DB security group (the ' +
    'pre-VPC RDS firewall, still found on old databases). High when the range is the whole internet (any /0), ' +
    'medium for a security group of another account, low otherwise: every new source can reach the database port.',
  severity: 'medium',
  mitre: ['T1562.007', 'T1098'],
  tactics: ['defense-evasion', 'persistence'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.RDS.SecurityGroupIngressAuthorized'] },
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html',
  remediation:
    'Revoke the rule unless it is expected: `aws rds revoke-db-security-group-ingress --db-security-group-name ' +
    '<group> --cidrip <cidr>` (or `--ec2-security-group-id <sg> --ec2-security-group-owner-id <account>`), then ' +
    'move the database into a VPC and control access with VPC security groups.',
  actions: ['rds:AuthorizeDBSecurityGroupIngress'],
  match: (event) => {
    const group = text(request(event, 'dBSecurityGroupName')) ?? 'unknown';
    const cidr = text(request(event, 'cIDRIP'));
    const sourceGroup =
      text(request(event, 'eC2SecurityGroupId')) ?? text(request(event, 'eC2SecurityGroupName'));
    const owner = text(request(event, 'eC2SecurityGroupOwnerId'));
    const world = cidr !== null && addressRange(cidr)?.reach === 'internet';
    const foreign = owner !== null && owner !== event.account;
    const source = cidr ?? `security group ${sourceGroup ?? 'unknown'}${owner ? ` of account ${owner}` : ''}`;
    const who = actor(event);
    return {
      key: `${event.account}:${group}:${source}`,
      title: `RDS DB security group ${group} opened to ${world ? `the internet (${cidr})` : source} by ${who}`,
      description: `${who} allowed ${source} into DB security group ${group}.`,
      severity: world ? 'high' : foreign ? 'medium' : 'low',
      resources: [{ type: 'AWS::RDS::DBSecurityGroup', id: group, account: event.account }],
      context: { source },
    };
  },
});
