import type { SecurityEvent } from '../../../../schemas/types.js';
import { changeMatch, regionalId } from '../change-match.js';
import { successOrDenied } from '../denied-attempts.js';
import { isFalse } from '../flag.js';
import { at, request, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

const DATA_DELIVERY = [
  'textDataDeliveryEnabled',
  'imageDataDeliveryEnabled',
  'embeddingDataDeliveryEnabled',
  'videoDataDeliveryEnabled',
];

export const detection = cloudTrailRule({
  id: 'bedrock-invocation-logging-deleted',
  title: 'Bedrock model invocation logging deleted',
  description:
    'The Bedrock model invocation logging configuration of a region was deleted (high), or replaced by one that ' +
    'delivers no prompt and response data or has no destination (medium): model abuse (LLMjacking, prompt ' +
    'injection, data leaking through prompts) is no longer recorded. A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.008'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.Bedrock.DeleteModelInvocationLoggingConfiguration'] },
  stratus: ['aws.defense-evasion.bedrock-model-invocation-logging-delete'],
  runbook: 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html',
  remediation:
    'Restore the configuration (Bedrock console → Settings → Model invocation logging, or `aws bedrock ' +
    'put-model-invocation-logging-configuration --logging-config file://logging.json` with the S3 and/or ' +
    'CloudWatch Logs destination and text/image/embedding delivery on), then review the Bedrock calls made while ' +
    'it was off (CloudTrail bedrock:InvokeModel*). Deny bedrock:DeleteModelInvocationLoggingConfiguration with an SCP.',
  actions: [
    'bedrock:DeleteModelInvocationLoggingConfiguration',
    'bedrock:PutModelInvocationLoggingConfiguration',
  ],
  match: successOrDenied((event) => {
    const change = changeOf(event);
    return changeMatch(
      event,
      change && {
        what: change.what,
        severity: change.deleted ? 'high' : 'medium',
        subject: `Bedrock model invocation logging in ${event.region ?? 'an unknown region'}`,
        resource: { type: 'AWS::Bedrock::ModelInvocationLoggingConfiguration', id: regionalId(event) },
        impact: 'Model calls there are no longer fully recorded.',
      },
    );
  }),
});

function changeOf(event: SecurityEvent): { deleted: boolean; what: string } | null {
  if (event.action === 'bedrock:DeleteModelInvocationLoggingConfiguration')
    return { deleted: true, what: 'deleted' };
  const config = request(event, 'loggingConfig');
  if (config === undefined) return null;
  const destination =
    text(at(config, 's3Config', 'bucketName')) ?? text(at(config, 'cloudWatchConfig', 'logGroupName'));
  if (destination === null) return { deleted: false, what: 'left without a destination' };
  const delivered = DATA_DELIVERY.filter(
    (flag) => at(config, flag) !== undefined && !isFalse(at(config, flag)),
  );
  return delivered.length === 0 ? { deleted: false, what: 'set to deliver no model data' } : null;
}
