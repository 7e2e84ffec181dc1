import { successOrDenied } from '../denied-attempts.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'detective-graph-deleted',
  title: 'Amazon Detective behavior graph deleted',
  description:
    'A Detective behavior graph was deleted: Detective is disabled for the administrator account and every member ' +
    'account, and the graph of past activity investigators use to reconstruct an intrusion is gone. A call refused ' +
    'for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.001', 'T1070'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/detective/latest/adminguide/detective-disabling.html',
  remediation:
    'Enable Detective again (`aws detective create-graph`, Detective console → Get started) and invite the member ' +
    'accounts back (`aws detective create-members --graph-arn <arn> --accounts ...`); the deleted history cannot be ' +
    'restored, so preserve CloudTrail, flow logs and GuardDuty findings for the period. Deny detective:DeleteGraph ' +
    'outside the security account with an SCP.',
  actions: ['detective:DeleteGraph'],
  match: successOrDenied((event) => {
    const graph = text(request(event, 'graphArn')) ?? 'unknown graph';
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${graph}`,
      title: `Detective behavior graph ${graph} deleted by ${who}`,
      description: `${who} deleted Detective behavior graph ${graph} in ${event.region ?? 'an unknown region'}.`,
      resources: [{ type: 'AWS::Detective::Graph', id: graph, account: event.account }],
      context: { graph },
    };
  }),
});
