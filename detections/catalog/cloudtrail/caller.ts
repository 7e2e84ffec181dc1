import type { SecurityEvent } from '../../../schemas/types.js';
import { field, text } from './record.js';

/**
 * Whether an AWS service made the call, on its own or on a principal's behalf: an `AWSService` identity, a
 * call `invokedBy` a service (CloudFormation, the console's backend...), or a service name or `AWS Internal`
 * as source address. Such calls are not a person or a stolen credential probing the account.
 *
 *   isAwsServiceCall(callFrom('sqs.amazonaws.com')) // true
 */
export function isAwsServiceCall(event: SecurityEvent): boolean {
  if (event.principal?.type === 'AWSService') return true;
  if (text(field(event, 'userIdentity', 'invokedBy')) !== null) return true;
  const source = text(field(event, 'sourceIPAddress'));
  return source !== null && (source.endsWith('.amazonaws.com') || source === 'AWS Internal');
}

/**
 * Whether a person made the call rather than a workload: an IAM user or root, an IAM Identity Center session
 * (roles under `aws-reserved/sso.amazonaws.com/`, `AWSReservedSSO_*`), or a console session. Workloads run as
 * roles assumed by EC2, ECS, Lambda or a pipeline.
 *
 *   isPersonCall(ssoSessionRead) // true
 */
export function isPersonCall(event: SecurityEvent): boolean {
  const type = event.principal?.type;
  if (type === 'IAMUser' || type === 'Root') return true;
  if (isIdentityCenterSession(event)) return true;
  const console = field(event, 'sessionCredentialFromConsole');
  return console === true || console === 'true';
}

/** Sessions of the roles IAM Identity Center provisions (`aws-reserved/sso.amazonaws.com/`, `AWSReservedSSO_`). */
export function isIdentityCenterSession(event: SecurityEvent): boolean {
  const issuer = event.principal?.sessionIssuer ?? '';
  return (
    issuer.includes('/aws-reserved/sso.amazonaws.com/') || /:role\/(?:.*\/)?AWSReservedSSO_/.test(issuer)
  );
}
