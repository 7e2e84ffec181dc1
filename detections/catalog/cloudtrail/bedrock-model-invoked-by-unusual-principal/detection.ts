import type { SecurityEvent } from '../../../../schemas/types.js';
import { hours } from '../../../operators/index.js';
import { globMatcher } from '../glob.js';
import { request, succeeded, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'bedrock-model-invoked-by-unusual-principal',
  title: 'Bedrock model invoked by an unusual principal',
  description:
    'A Bedrock model was invoked (InvokeModel, Converse and their streaming forms) by a principal that should ' +
    'not run inference: an IAM user or root with long-lived access keys — LLMjacking runs on leaked keys, while ' +
    'applications invoke models through roles —, any principal outside `approvedPrincipals` when that list is ' +
    'set (ARN globs, matched on the caller and its role), or an invocation AWS refused (AccessDenied, ' +
    'ValidationException: attackers probe permissions with invalid requests). Each case costs money and may ' +
    'leak prompts; one finding per principal per hour, with a count of invocations.',
  severity: 'medium',
  mitre: ['T1496', 'T1078.004'],
  tactics: ['impact'],
  failedCalls: 'counted',
  dedupPeriodMs: hours(1),
  stratus: ['aws.impact.bedrock-invoke-model'],
  runbook: 'https://docs.aws.amazon.com/bedrock/latest/userguide/security-iam.html',
  remediation:
    'Check with the principal owner. If unexpected: deactivate the access key (`aws iam update-access-key ' +
    '--user-name <user> --access-key-id <key> --status Inactive`) or revoke the role sessions, review the spend in ' +
    'Cost Explorer (Bedrock) and model invocation logs, remove bedrock:Invoke* from identities that do not need ' +
    'it, and keep an SCP denying bedrock:InvokeModel* outside approved roles and regions.',
  settings: (read) => {
    const approved = read.strings('approvedPrincipals', []);
    return { approved: approved.length > 0 ? globMatcher(approved) : null };
  },
  actions: [
    'bedrock:InvokeModel',
    'bedrock:InvokeModelWithResponseStream',
    'bedrock:Converse',
    'bedrock:ConverseStream',
  ],
  match: (event, { approved }) => {
    if (approved !== null && isApproved(event, approved)) return null;
    const reasons = [
      event.principal?.type === 'IAMUser' ? 'an IAM user with long-lived credentials' : '',
      event.principal?.type === 'Root' ? 'the root user' : '',
      approved !== null ? 'not an approved principal' : '',
      succeeded(event) ? '' : 'the call was refused, a way to probe for Bedrock access',
    ].filter((reason) => reason !== '');
    if (reasons.length === 0) return null;
    const model = text(request(event, 'modelId')) ?? 'an unknown model';
    const who = actor(event);
    return {
      key: `${event.account}:${who}${succeeded(event) ? '' : ':refused'}`,
      title: `Bedrock model ${model.split('/').at(-1)} invoked by ${who}`,
      description:
        `${who} called ${event.action.slice(8)} on ${model} in ${event.region ?? 'an unknown region'}: ` +
        `${reasons.join('; ')}.`,
      severity: event.principal?.type === 'Root' ? 'high' : 'medium',
      resources: [{ type: 'AWS::Bedrock::FoundationModel', id: model, account: event.account }],
      context: { modelId: model, why: reasons.join('; ') },
    };
  },
});

function isApproved(event: SecurityEvent, approved: RegExp): boolean {
  const principal = event.principal;
  return [principal?.arn, principal?.sessionIssuer].some((arn) => arn != null && approved.test(arn));
}
