import type { SecurityEvent } from '../../../../schemas/types.js';
import { type Change, changeMatch } from '../change-match.js';
import { successOrDenied } from '../denied-attempts.js';
import { lastPathSegment } from '../instance-launch.js';
import { request, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'waf-protection-removed',
  title: 'WAF web ACL disassociated or deleted, or edge protection removed',
  description:
    'A WAF web ACL was detached from a load balancer, API or CloudFront distribution, or deleted (WAFv2 or classic), ' +
    'or a Firewall Manager policy deleted (high): the application is exposed to the exploits and bots the rules ' +
    'blocked. A web ACL emptied of its rules, its logging removed, or a Shield Advanced protection deleted is ' +
    'medium. A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.001', 'T1190'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.WAF.Disassociation'] },
  runbook: 'https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html',
  remediation:
    'Re-associate the web ACL (`aws wafv2 associate-web-acl --web-acl-arn <acl> --resource-arn <resource>`; WAF ' +
    'console → Web ACLs → Associated AWS resources), recreate a deleted ACL or Firewall Manager policy from IaC, ' +
    'restore its rules and logging (`aws wafv2 put-logging-configuration`), and protect WAF with an SCP limited to ' +
    'the edge team; prefer Firewall Manager so member accounts cannot detach ACLs.',
  actions: [
    'wafv2:DisassociateWebACL',
    'wafv2:DeleteWebACL',
    'wafv2:UpdateWebACL',
    'wafv2:DeleteLoggingConfiguration',
    'waf-regional:DisassociateWebACL',
    'waf-regional:DeleteWebACL',
    'waf:DeleteWebACL',
    'fms:DeletePolicy',
    'shield:DeleteProtection',
  ],
  match: successOrDenied((event) => {
    return changeMatch(event, changeOf(event));
  }),
});

function changeOf(event: SecurityEvent): Change | null {
  const param = (name: string) => text(request(event, name));
  const [service, call] = event.action.split(':');
  const classic = service !== 'wafv2' ? ' (WAF classic)' : '';
  switch (call) {
    case 'DisassociateWebACL': {
      const resource = param('resourceArn') ?? 'unknown resource';
      return {
        severity: 'high',
        what: `WAF web ACL detached from ${resource}${classic}`,
        resource: webAcl(resource),
      };
    }
    case 'DeleteWebACL': {
      const acl = param('name') ?? param('webACLId') ?? param('id') ?? 'unknown';
      return { severity: 'high', what: `WAF web ACL ${acl} deleted${classic}`, resource: webAcl(acl) };
    }
    case 'UpdateWebACL': {
      const rules = request(event, 'rules');
      const acl = param('name') ?? param('id') ?? 'unknown';
      return Array.isArray(rules) && rules.length === 0
        ? { severity: 'medium', what: `WAF web ACL ${acl} emptied of its rules`, resource: webAcl(acl) }
        : null;
    }
    case 'DeleteLoggingConfiguration': {
      const acl = lastPathSegment(param('resourceArn') ?? 'unknown');
      return { severity: 'medium', what: `WAF logging of web ACL ${acl} removed`, resource: webAcl(acl) };
    }
    case 'DeletePolicy': {
      const policy = param('policyId') ?? 'unknown';
      return {
        severity: 'high',
        what: `Firewall Manager policy ${policy} deleted`,
        resource: { type: 'AWS::FMS::Policy', id: policy },
      };
    }
    default: {
      const protection = param('protectionId') ?? 'unknown';
      return {
        severity: 'medium',
        what: `Shield Advanced protection ${protection} deleted`,
        resource: { type: 'AWS::Shield::Protection', id: protection },
      };
    }
  }
}

function webAcl(id: string) {
  return { type: 'AWS::WAFv2::WebACL', id };
}
