import type { Severity } from '../../../../schemas/types.js';
import { principalAccount } from '../policy-document.js';
import { at, items, request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** EKS access policies that make a principal administrator of the cluster (or of a namespace). */
const ADMIN_POLICY = /cluster-access-policy\/(AmazonEKSClusterAdminPolicy|AmazonEKSAdminPolicy)$/;

export const detection = cloudTrailRule({
  id: 'eks-access-entry-admin-granted',
  title: 'EKS cluster administrator access granted to an IAM principal',
  description:
    'An IAM principal was made administrator of an EKS cluster through an access entry: the cluster-admin ' +
    'access policy associated (AssociateAccessPolicy with AmazonEKSClusterAdminPolicy or AmazonEKSAdminPolicy), ' +
    'or an access entry created in the `system:masters` group. Whoever can assume the principal then controls ' +
    'every workload and secret in the cluster, with no change to the aws-auth ConfigMap. A principal of another ' +
    'account is critical; admin limited to namespaces is medium. (aws-auth ConfigMap edits are Kubernetes API ' +
    'calls: they appear in the EKS audit log, not in CloudTrail.)',
  severity: 'high',
  mitre: ['T1098.006', 'T1078.004'],
  tactics: ['persistence', 'privilege-escalation'],
  failedCalls: 'ignored',
  stratus: ['eks.lateral-movement.create-access-entry'],
  runbook: 'https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html',
  remediation:
    'Confirm the grant with the cluster owner. If it is not expected, remove it (`aws eks ' +
    'disassociate-access-policy --cluster-name <cluster> --principal-arn <arn> --policy-arn <policy>` and `aws eks ' +
    "delete-access-entry --cluster-name <cluster> --principal-arn <arn>`), review the principal's recent " +
    'Kubernetes API calls in the EKS audit log, and rotate cluster secrets it could read.',
  actions: ['eks:AssociateAccessPolicy', 'eks:CreateAccessEntry'],
  match: (event) => {
    const principal = decoded(
      text(request(event, 'principalArn')) ??
        text(response(event, 'accessEntry', 'principalArn')) ??
        'unknown',
    );
    const cluster = text(request(event, 'clusterName')) ?? text(request(event, 'name')) ?? 'unknown';
    const policy = text(request(event, 'policyArn'));
    const groups = items(request(event, 'kubernetesGroups')).flatMap((group) => text(group) ?? []);
    const grantsAdmin = (policy !== null && ADMIN_POLICY.test(policy)) || groups.includes('system:masters');
    if (!grantsAdmin) return null;
    const namespaces = items(request(event, 'accessScope', 'namespaces')).flatMap((ns) => text(ns) ?? []);
    const namespaced = text(request(event, 'accessScope', 'type')) === 'namespace';
    const account = principalAccount(principal);
    const foreign = account !== null && account !== event.account;
    const severity: Severity = foreign ? 'critical' : namespaced ? 'medium' : 'high';
    const grant = policy ? (policy.split('/').at(-1) ?? policy) : 'system:masters';
    const scope = namespaced ? `namespaces ${namespaces.join(', ') || '(unnamed)'} of` : 'all of';
    const who = actor(event);
    return {
      key: `${event.account}:${cluster}:${principal}:${grant}`,
      title: `${grant} on EKS cluster ${cluster} granted to ${principal} by ${who}`,
      description:
        `${who} gave ${principal}${foreign ? `, a principal of account ${account},` : ''} ${grant} over ${scope} ` +
        `EKS cluster ${cluster}.`,
      severity,
      resources: [
        {
          type: 'AWS::EKS::Cluster',
          id: text(at(response(event, 'associatedAccessPolicy'), 'clusterArn')) ?? cluster,
          account: event.account,
        },
      ],
      context: { cluster, principalArn: principal, grant, scope: namespaced ? 'namespace' : 'cluster' },
    };
  },
});

/** AssociateAccessPolicy logs the principal ARN URL-encoded (`arn%3Aaws%3Aiam%3A%3A…`). */
function decoded(arn: string): string {
  try {
    return decodeURIComponent(arn);
  } catch {
    return arn;
  }
}
