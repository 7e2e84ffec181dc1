import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'ecs-eks-cluster-created-or-deleted',
  title: 'ECS or EKS cluster created or deleted',
  description:
    'An ECS or EKS cluster was created or deleted. Attackers with stolen credentials create container ' +
    'clusters to run crypto-miners on Fargate or managed nodes (low severity: also routine platform work, ' +
    'recorded for the inventory); deleting a cluster stops every service on it (medium).',
  severity: 'medium',
  mitre: ['T1578.002', 'T1496', 'T1485'],
  tactics: ['impact', 'defense-evasion'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/logging-using-cloudtrail.html',
  remediation:
    'Check the change with the platform team. For an unknown cluster, list what runs on it (`aws ecs list-tasks ' +
    '--cluster <c>` or `kubectl get pods -A`), stop it and delete the cluster; for an unplanned deletion, ' +
    "restore the services from infrastructure as code and revoke the principal's credentials if it was not " +
    'theirs to delete.',
  actions: ['ecs:CreateCluster', 'ecs:DeleteCluster', 'eks:CreateCluster', 'eks:DeleteCluster'],
  match: (event) => {
    const [service, call] = event.action.split(':');
    const created = call === 'CreateCluster';
    const kind = service === 'eks' ? 'EKS' : 'ECS';
    const name =
      text(request(event, 'clusterName')) ??
      text(request(event, 'name')) ??
      text(request(event, 'cluster')) ??
      'default';
    const arn = text(response(event, 'cluster', 'clusterArn')) ?? text(response(event, 'cluster', 'arn'));
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${kind}:${name}`,
      title: `${kind} cluster ${name} ${created ? 'created' : 'deleted'} by ${who}`,
      description: `${who} ${created ? 'created' : 'deleted'} ${kind} cluster ${name} in ${event.region ?? 'an unknown region'}.`,
      severity: created ? 'low' : 'medium',
      resources: [
        {
          type: kind === 'EKS' ? 'AWS::EKS::Cluster' : 'AWS::ECS::Cluster',
          id: arn ?? name,
          account: event.account,
        },
      ],
      context: { cluster: name, service: kind },
    };
  },
});
