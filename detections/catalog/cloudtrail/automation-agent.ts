import type { SecurityEvent } from '../../../schemas/types.js';

/** User-agent fragments of infrastructure-as-code tools: the default of `automationUserAgents` params. */
export const IAC_USER_AGENTS: readonly string[] = [
  'terraform',
  'cloudformation.amazonaws.com',
  'aws-cdk',
  'pulumi',
  'crossplane',
  'opentofu',
];

/**
 * Whether a call was made by infrastructure-as-code (its user agent contains one of the fragments, any case)
 * or by an AWS service on its own: changes that went through review, unlike a person's console or CLI edit.
 *
 *   madeByAutomation(event, IAC_USER_AGENTS) // true for 'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 ...'
 */
export function madeByAutomation(event: SecurityEvent, fragments: readonly string[]): boolean {
  if (event.principal?.type === 'AWSService') return true;
  const agent = event.userAgent?.toLowerCase() ?? '';
  return fragments.some((fragment) => agent.includes(fragment.toLowerCase()));
}
