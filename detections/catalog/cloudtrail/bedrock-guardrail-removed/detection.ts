import { successOrDenied } from '../denied-attempts.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'bedrock-guardrail-removed',
  title: 'Bedrock guardrail deleted or changed',
  description:
    'A Bedrock guardrail was deleted (high) or updated (medium). Guardrails filter harmful content, denied topics, ' +
    'sensitive data and prompt attacks in the applications that use them; deleting or loosening one removes those ' +
    'safeguards (CloudTrail hides the new settings of an update, so every update is reported). A call refused for ' +
    'lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.Bedrock.GuardrailUpdateDelete'] },
  stratus: ['aws.defense-evasion.bedrock-guardrail-delete'],
  runbook: 'https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails.html',
  remediation:
    'Compare the guardrail with its IaC definition (Bedrock console → Guardrails → the guardrail → versions, or ' +
    '`aws bedrock get-guardrail --guardrail-identifier <id>`); recreate a deleted one (`aws bedrock ' +
    'create-guardrail`) or revert the change and publish a new version, then check the applications that ' +
    'referenced it. Restrict bedrock:DeleteGuardrail/UpdateGuardrail to the AI platform pipeline.',
  actions: ['bedrock:DeleteGuardrail', 'bedrock:UpdateGuardrail'],
  match: successOrDenied((event) => {
    const guardrail =
      text(request(event, 'guardrailIdentifier')) ??
      text(response(event, 'guardrailId')) ??
      'unknown guardrail';
    const version = text(request(event, 'guardrailVersion'));
    const deleted = event.action === 'bedrock:DeleteGuardrail';
    const change = deleted ? (version === null ? 'deleted' : `version ${version} deleted`) : 'updated';
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${guardrail}`,
      severity: deleted ? 'high' : 'medium',
      title: `Bedrock guardrail ${guardrail} ${change} by ${who}`,
      description: `${who} ${change} Bedrock guardrail ${guardrail}: the applications using it may run without its safeguards.`,
      resources: [
        {
          type: 'AWS::Bedrock::Guardrail',
          id: text(response(event, 'guardrailArn')) ?? guardrail,
          account: event.account,
        },
      ],
      context: { guardrail, change },
    };
  }),
});
