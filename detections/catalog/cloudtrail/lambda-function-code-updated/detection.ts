import type { SecurityEvent } from '../../../../schemas/types.js';
import { actorKind, outsideAutomation } from '../actor-kind.js';
import { lambdaFunctionOf } from '../lambda-function.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** `deployRoles`: role ARN globs whose sessions are the deployment pipeline; `[]` reports every role too. */
export const DEFAULT_PARAMS = { deployRoles: ['*'] };

export const detection = cloudTrailRule({
  id: 'lambda-function-code-updated',
  title: 'Lambda function code replaced outside the deployment pipeline',
  description:
    "A Lambda function's code was replaced (UpdateFunctionCode) by a person (IAM user, SSO or federated " +
    'session, root) rather than by the deployment pipeline. Overwriting a function is a quiet way to persist: ' +
    'the backdoored code runs with the function role on every invocation and can read or leak every event it ' +
    'processes. By default every role session counts as the pipeline; name the real deployment roles in ' +
    '`deployRoles` to report code changes by any other role too.',
  severity: 'high',
  mitre: ['T1648', 'T1525'],
  tactics: ['persistence', 'execution'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.Lambda.UpdateFunctionCode'] },
  stratus: ['aws.persistence.lambda-overwrite-code'],
  runbook: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html',
  remediation:
    'Ask the person who made the change. If it was not planned, redeploy the last known-good version from the ' +
    'pipeline (or point the alias back: `aws lambda update-alias --function-name <fn> --name live ' +
    '--function-version <good>`), download the replaced package for analysis (Lambda console → Functions → <fn> → ' +
    'Code → Download, or `aws lambda get-function --function-name <fn>`), rotate any secret the function can ' +
    'read, and restrict lambda:UpdateFunctionCode to the deployment role.',
  actions: ['lambda:UpdateFunctionCode'],
  settings: (read) => outsideAutomation(read.strings('deployRoles', DEFAULT_PARAMS.deployRoles)),
  match: (event, reported) => {
    if (!reported(event)) return null;
    const fn = lambdaFunctionOf(event);
    const who = actor(event);
    const source = codeSource(event);
    return {
      key: `${event.account}:${fn.name}`,
      title: `Lambda function ${fn.name} code replaced by ${who}`,
      description:
        `${who} replaced the code of Lambda function ${fn.name} (${source}) in ${event.region ?? 'an unknown region'}` +
        ' outside the deployment pipeline. Check the new package before the next invocation runs it.',
      resources: [fn.resource],
      context: {
        functionName: fn.name,
        codeSource: source,
        codeSha256: text(response(event, 'codeSha256')) ?? '',
        published: String(request(event, 'publish') === true),
        actorKind: actorKind(event),
      },
    };
  },
});

/** Where the new code came from: an S3 object, a container image, or an uploaded zip. */
function codeSource(event: SecurityEvent): string {
  const bucket = text(request(event, 's3Bucket'));
  if (bucket) return `s3://${bucket}/${text(request(event, 's3Key')) ?? ''}`;
  const image = text(request(event, 'imageUri'));
  return image ? `image ${image}` : 'uploaded zip';
}
