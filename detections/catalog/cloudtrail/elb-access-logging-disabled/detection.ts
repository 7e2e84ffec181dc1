import type { SecurityEvent } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { isFalse } from '../flag.js';
import { lastPathSegment } from '../instance-launch.js';
import { at, items, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

const LOG_ATTRIBUTES = ['access_logs.s3.enabled', 'connection_logs.s3.enabled'];

export const detection = cloudTrailRule({
  id: 'elb-access-logging-disabled',
  title: 'Load balancer access logging turned off',
  description:
    'A load balancer stopped writing its access or connection logs to S3 (Application/Network Load Balancer ' +
    "attributes, or a Classic Load Balancer's AccessLog): requests from the internet (exploitation attempts, " +
    'credential stuffing, data pulled through the application) are no longer recorded. A call refused for lack ' +
    'of permission counts.',
  severity: 'medium',
  mitre: ['T1562.008'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html',
  remediation:
    'Turn logging back on (`aws elbv2 modify-load-balancer-attributes --load-balancer-arn <arn> --attributes ' +
    'Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=<bucket>`; Classic: `aws elb ' +
    'modify-load-balancer-attributes --load-balancer-name <name> --load-balancer-attributes ' +
    '\'{"AccessLog":{"Enabled":true,"S3BucketName":"<bucket>"}}\'`), and enforce it with AWS Config rule ' +
    '`elb-logging-enabled`.',
  actions: ['elasticloadbalancing:ModifyLoadBalancerAttributes'],
  match: successOrDenied((event) => {
    const disabled = disabledLogs(event);
    if (disabled.length === 0) return null;
    const balancer =
      text(request(event, 'loadBalancerArn')) ??
      text(request(event, 'loadBalancerName')) ??
      'unknown load balancer';
    const name = lastPathSegment(balancer.replace(/\/[0-9a-f]+$/, ''));
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${balancer}`,
      title: `Load balancer ${name}: ${disabled.join(', ')} turned off by ${who}`,
      description: `${who} turned off ${disabled.join(', ')} of load balancer ${balancer}.`,
      resources: [
        { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', id: balancer, account: event.account },
      ],
      context: { loadBalancer: balancer, logs: disabled.join(',') },
    };
  }),
});

function disabledLogs(event: SecurityEvent): string[] {
  const v2 = items(request(event, 'attributes'))
    .filter(
      (attribute) =>
        LOG_ATTRIBUTES.includes(text(at(attribute, 'key')) ?? '') && isFalse(at(attribute, 'value')),
    )
    .map((attribute) => (text(at(attribute, 'key')) ?? '').replace('.s3.enabled', '').replace('_', ' '));
  const classic = isFalse(request(event, 'loadBalancerAttributes', 'accessLog', 'enabled'))
    ? ['access logs']
    : [];
  return [...v2, ...classic];
}
