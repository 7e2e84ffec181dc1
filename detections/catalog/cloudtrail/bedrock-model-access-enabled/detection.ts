import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

const STEPS: Record<string, string> = {
  'bedrock:PutUseCaseForModelAccess': 'submitted a model access use case',
  'bedrock:CreateFoundationModelAgreement': 'accepted a foundation model agreement',
  'bedrock:PutFoundationModelEntitlement': 'requested a foundation model entitlement',
};

export const detection = cloudTrailRule({
  id: 'bedrock-model-access-enabled',
  title: 'Bedrock model access requested',
  description:
    'Someone took a step to enable Bedrock foundation models in the account: submitted the model-access use ' +
    'case form, accepted a model agreement (Marketplace offer) or requested an entitlement. LLMjacking crews ' +
    'do this with stolen credentials before running models at your expense; refused attempts are reported too.',
  severity: 'medium',
  mitre: ['T1496', 'T1098'],
  tactics: ['impact', 'persistence'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html',
  remediation:
    'Confirm the request with the team that owns Bedrock. If unexpected: rotate the credentials used, remove ' +
    'model access the account does not need (Bedrock console → Model access), and deny ' +
    'bedrock:PutUseCaseForModelAccess, bedrock:CreateFoundationModelAgreement and aws-marketplace:Subscribe ' +
    'outside an approved role with an SCP.',
  actions: Object.keys(STEPS),
  match: (event) => {
    const step = STEPS[event.action] ?? 'changed model access';
    const model = text(request(event, 'modelId')) ?? '';
    const who = actor(event);
    return {
      key: `${event.account}:${event.action}:${model}`,
      title: `Bedrock model access: ${who} ${step}${model ? ` for ${model}` : ''}`,
      description: `${who} ${step}${model ? ` for ${model}` : ''} in ${event.region ?? 'an unknown region'}.`,
      ...(model ? { context: { modelId: model } } : {}),
    };
  },
});
