import { hours } from '../../../operators/index.js';
import { IAC_USER_AGENTS, madeByAutomation } from '../automation-agent.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';
import { peerLabel, securityGroupRules } from '../security-group-rules.js';

export const DEFAULT_PARAMS = { automationUserAgents: IAC_USER_AGENTS };

export const detection = cloudTrailRule({
  id: 'ec2-security-group-changed-manually',
  title: 'Security group changed outside infrastructure-as-code',
  description:
    'A security group was created, deleted, or had rules added, removed or rewritten from the console, the CLI or ' +
    'a script rather than by infrastructure-as-code (user agents in `automationUserAgents`: Terraform, ' +
    'CloudFormation, CDK, Pulumi...). Inventory-grade: such drift skips review and is how a quick "temporary" ' +
    'opening becomes permanent; rules open to the internet are ec2-security-group-open-to-world.',
  severity: 'low',
  mitre: ['T1562.007'],
  tactics: ['defense-evasion'],
  failedCalls: 'ignored',
  // inventory-grade: one person's edits to one group within an hour are one finding with a count
  dedupPeriodMs: hours(1),
  panther: { rules: ['AWS.EC2.SecurityGroupModified', 'AWS.EC2.ManualSecurityGroupChange'] },
  runbook: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  remediation:
    "Ask the person who made the change whether it is needed; if so, add it to the group's IaC definition, if not " +
    'revert it (`aws ec2 revoke-security-group-ingress --group-id <sg> --security-group-rule-ids <sgr>`, EC2 ' +
    'console → Security Groups → Edit inbound rules). Detect drift with `terraform plan` or CloudFormation drift ' +
    'detection.',
  actions: [
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:AuthorizeSecurityGroupEgress',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:ModifySecurityGroupRules',
    'ec2:CreateSecurityGroup',
    'ec2:DeleteSecurityGroup',
  ],
  settings: (read) => ({
    automationUserAgents: read.strings('automationUserAgents', DEFAULT_PARAMS.automationUserAgents),
  }),
  match: (event, settings) => {
    if (madeByAutomation(event, settings.automationUserAgents)) return null;
    const rules = securityGroupRules(event);
    const group =
      rules[0]?.groupId ??
      text(request(event, 'groupId')) ??
      text(response(event, 'groupId')) ??
      text(request(event, 'groupName')) ??
      'unknown';
    const call = event.action.slice('ec2:'.length);
    const summary = rules
      .map((rule) => `${rule.direction} ${rule.exposure.label} ${peerLabel(rule.peer)}`)
      .join('; ');
    const who = actor(event);
    return {
      key: `${event.account}:${group}:${who}`,
      title: `Security group ${group} changed by hand (${call}${summary === '' ? '' : `: ${summary}`}) by ${who}`,
      description: `${who} called ${call} on ${group} from ${event.userAgent ?? 'an unknown client'}, outside infrastructure-as-code.`,
      resources: [{ type: 'AWS::EC2::SecurityGroup', id: group, account: event.account }],
      context: { groupId: group, rules: summary },
    };
  },
});
