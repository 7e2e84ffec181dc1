import type { SecurityEvent } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { isFalse } from '../flag.js';
import { at, items, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

const AUDIT_TYPES = ['audit', 'authenticator'];

export const detection = cloudTrailRule({
  id: 'eks-audit-logging-disabled',
  title: 'EKS control plane logging turned off',
  description:
    'An EKS cluster stopped sending control plane logs to CloudWatch Logs. Without the audit and authenticator ' +
    'logs (high) nobody sees who ran what against the Kubernetes API, created privileged pods or read secrets, and ' +
    'GuardDuty EKS protection loses its source; other log types (api, controllerManager, scheduler) are medium. ' +
    'A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.008'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html',
  remediation:
    'Turn the logs back on (`aws eks update-cluster-config --name <cluster> --logging ' +
    '\'{"clusterLogging":[{"types":["api","audit","authenticator","controllerManager","scheduler"],"enabled":true}]}\'`; ' +
    "EKS console → the cluster → Observability → Manage logging) and review the cluster's API activity while it " +
    'was off.',
  actions: ['eks:UpdateClusterConfig'],
  match: successOrDenied((event) => {
    const disabled = disabledLogTypes(event);
    if (disabled.length === 0) return null;
    const cluster = text(request(event, 'name')) ?? 'unknown cluster';
    const audit = disabled.some((type) => AUDIT_TYPES.includes(type));
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${cluster}`,
      severity: audit ? 'high' : 'medium',
      title: `EKS cluster ${cluster}: ${disabled.join(', ')} logging turned off by ${who}`,
      description: `${who} turned off the ${disabled.join(', ')} control plane logs of EKS cluster ${cluster} in ${event.region ?? 'an unknown region'}.`,
      resources: [{ type: 'AWS::EKS::Cluster', id: cluster, account: event.account }],
      context: { cluster, logTypes: disabled.join(',') },
    };
  }),
});

function disabledLogTypes(event: SecurityEvent): string[] {
  return items(request(event, 'logging', 'clusterLogging'))
    .filter((setup) => isFalse(at(setup, 'enabled')))
    .flatMap((setup) => items(at(setup, 'types')).map(text))
    .filter((type): type is string => type !== null);
}
