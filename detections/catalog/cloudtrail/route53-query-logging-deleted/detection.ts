import { successOrDenied } from '../denied-attempts.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'route53-query-logging-deleted',
  title: 'DNS query logging deleted or detached',
  description:
    'A Route 53 Resolver query logging configuration was deleted or detached from a VPC, or the query logging of ' +
    'a public hosted zone was deleted: the DNS lookups of the workloads (command and control, exfiltration over ' +
    'DNS, lookups of attacker domains) are no longer recorded. A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.008'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.CloudTrail.DNSLogsDeleted'] },
  stratus: ['aws.defense-evasion.dns-delete-logs'],
  runbook: 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs.html',
  remediation:
    'Recreate the configuration and its VPC associations from IaC (Route 53 console → Resolver → Query logging, ' +
    'or `aws route53resolver create-resolver-query-log-config --name <name> --destination-arn <arn>` then ' +
    '`aws route53resolver associate-resolver-query-log-config --resolver-query-log-config-id <id> --resource-id ' +
    '<vpc>`; for a hosted zone `aws route53 create-query-logging-config`), and find out who removed it.',
  actions: [
    'route53resolver:DeleteResolverQueryLogConfig',
    'route53resolver:DisassociateResolverQueryLogConfig',
    'route53:DeleteQueryLoggingConfig',
  ],
  match: successOrDenied((event) => {
    const configId =
      text(request(event, 'resolverQueryLogConfigId')) ??
      text(request(event, 'id')) ??
      'unknown configuration';
    const name = text(response(event, 'resolverQueryLogConfig', 'name'));
    const label = name === null ? configId : `${configId} (${name})`;
    const vpc = text(request(event, 'resourceId'));
    const change =
      event.action === 'route53resolver:DisassociateResolverQueryLogConfig'
        ? `detached from ${vpc ?? 'a VPC'}`
        : 'deleted';
    const what =
      event.action === 'route53:DeleteQueryLoggingConfig' ? 'Hosted zone query logging' : 'DNS query logging';
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${configId}:${vpc ?? ''}`,
      title: `${what} ${label} ${change} by ${who}`,
      description: `${who} ${change} query logging configuration ${label}: DNS lookups it covered are no longer logged.`,
      resources: [
        {
          type: 'AWS::Route53Resolver::ResolverQueryLoggingConfig',
          id: text(response(event, 'resolverQueryLogConfig', 'arn')) ?? configId,
          account: event.account,
        },
      ],
      context: {
        configId,
        change,
        destination: text(response(event, 'resolverQueryLogConfig', 'destinationArn')) ?? '',
      },
    };
  }),
});
