import type { Resource, SecurityEvent } from '../../../schemas/types.js';
import { request, response, text } from './record.js';

/** The Lambda function a call is about: its name, and its ARN when the record gives one. */
export interface LambdaFunction {
  name: string;
  arn: string | null;
  resource: Resource;
}

/**
 * Reads the function from a Lambda CloudTrail record. `requestParameters.functionName` may be a name, a full
 * ARN (with or without a version qualifier) or a partial ARN; the response, when there is one, has both.
 *
 *   lambdaFunctionOf(event).name // 'orders-api' for functionName 'arn:aws:lambda:us-east-1:111122223333:function:orders-api'
 */
export function lambdaFunctionOf(event: SecurityEvent): LambdaFunction {
  const requested = text(request(event, 'functionName'));
  const responseArn = text(response(event, 'functionArn'));
  const requestedArn = requested?.startsWith('arn:') ? requested : null;
  const name =
    text(response(event, 'functionName')) ?? (requested ? functionNameOf(requested) : null) ?? 'unknown';
  const arn = responseArn ?? requestedArn;
  return { name, arn, resource: { type: 'AWS::Lambda::Function', id: arn ?? name, account: event.account } };
}

/** `arn:aws:lambda:r:a:function:name:qualifier` or `a:function:name` → `name`; a plain name as is. */
function functionNameOf(nameOrArn: string): string {
  const match = /(?:^|:)function:([^:]+)/.exec(nameOrArn);
  return match?.[1] ?? nameOrArn;
}

/** The account of a Lambda layer version ARN (`arn:aws:lambda:us-east-1:123456789012:layer:name:3`). */
export function layerAccount(layerArn: string): string | null {
  return /^arn:aws[\w-]*:lambda:[^:]*:(\d{12}):layer:/.exec(layerArn)?.[1] ?? null;
}
