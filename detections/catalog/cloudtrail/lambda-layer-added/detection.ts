import type { SecurityEvent } from '../../../../schemas/types.js';
import { actorKind, outsideAutomation } from '../actor-kind.js';
import { lambdaFunctionOf, layerAccount } from '../lambda-function.js';
import { at, field, items, request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/**
 * `deployRoles`: role ARN globs whose sessions are the deployment pipeline (`[]`: every role is reported);
 * `trustedLayerAccounts`: accounts whose published layers are expected (vendors' extension accounts).
 */
export const DEFAULT_PARAMS = { deployRoles: ['*'], trustedLayerAccounts: [] as string[] };

export const detection = cloudTrailRule({
  id: 'lambda-layer-added',
  title: 'Lambda layer or extension added to a function',
  description:
    'Layers were set on a Lambda function (UpdateFunctionConfiguration with `layers`) by a person or a role ' +
    'outside the deployment pipeline, or the layer comes from another AWS account. A layer can carry an ' +
    'extension: a process that starts before the handler, runs with the function role, and sees every event ' +
    'and response. A malicious extension persists across code deployments and is rarely reviewed. Calls by ' +
    'the pipeline with layers of the own account or of `trustedLayerAccounts` are not reported.',
  severity: 'high',
  mitre: ['T1648', 'T1546'],
  tactics: ['persistence', 'privilege-escalation'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.Lambda.UpdateFunctionConfiguration'] },
  stratus: ['aws.persistence.lambda-layer-extension'],
  runbook: 'https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html',
  remediation:
    'Confirm the layer with the function owner. If it is unknown, remove it (Lambda console → Functions → <fn> ' +
    '→ Layers → Edit, or `aws lambda update-function-configuration --function-name <fn> --layers <the ' +
    'expected layer ARNs>`), fetch the layer version for analysis (`aws lambda get-layer-version-by-arn --arn ' +
    '<layer>`), rotate the secrets the function role can read, and restrict lambda:UpdateFunctionConfiguration ' +
    'to the deployment role.',
  actions: ['lambda:UpdateFunctionConfiguration'],
  settings: (read) => ({
    reported: outsideAutomation(read.strings('deployRoles', DEFAULT_PARAMS.deployRoles)),
    trusted: read.accountIds('trustedLayerAccounts', DEFAULT_PARAMS.trustedLayerAccounts),
  }),
  match: (event, { reported, trusted }) => {
    const layers = layersSetBy(event);
    if (layers.length === 0) return null;
    const foreign = layers.filter((layer) => {
      const account = layerAccount(layer);
      return account !== null && account !== event.account && !trusted.includes(account);
    });
    const byPerson = reported(event);
    if (!byPerson && foreign.length === 0) return null;
    const fn = lambdaFunctionOf(event);
    const who = actor(event);
    const names = layers.map(layerLabel);
    return {
      key: `${event.account}:${fn.name}:${layers.join(',')}`,
      title: `Lambda layer ${names.join(', ')} added to function ${fn.name} by ${who}`,
      description:
        `${who} set the layers of Lambda function ${fn.name} to ${names.join(', ')}` +
        (foreign.length > 0 ? `; ${foreign.map(layerLabel).join(', ')} comes from another account` : '') +
        '. Every invocation now runs the layer code (and any extension in it) with the function role.',
      severity: byPerson ? 'high' : 'medium',
      resources: [fn.resource],
      context: {
        functionName: fn.name,
        layers: layers.join(','),
        foreignLayers: foreign.join(','),
        actorKind: actorKind(event),
      },
    };
  },
});

/**
 * The layer ARNs the call set. A record whose request names only the function (trimmed exports) does not
 * say what changed: the layers of the response are then taken as set by the call. A full record that does not
 * set `layers` changed something else, whatever layers the function already had.
 */
function layersSetBy(event: SecurityEvent): string[] {
  const requested = request(event, 'layers');
  if (requested !== undefined) return layerArns(requested);
  const parameters = field(event, 'requestParameters');
  const trimmed =
    parameters !== null &&
    typeof parameters === 'object' &&
    Object.keys(parameters).every((k) => k === 'functionName');
  return trimmed ? layerArns(response(event, 'layers')) : [];
}

/** Layers as a list of ARN strings (request) or of `{ arn }` objects (response). */
function layerArns(value: Parameters<typeof items>[0]): string[] {
  return items(value).flatMap((layer) => text(layer) ?? text(at(layer, 'arn')) ?? []);
}

/** `arn:aws:lambda:us-east-1:111122223333:layer:otel-collector:7` → `otel-collector:7`. */
function layerLabel(arn: string): string {
  return /:layer:(.+)$/.exec(arn)?.[1] ?? arn;
}
