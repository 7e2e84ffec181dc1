import type { SecurityEvent } from '../../../schemas/types.js';
import { field, text } from './record.js';

/** EC2 names the role session of an instance profile after the instance (anonymised logs mix the case). */
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/i;

/** The Systems Manager agent's own channels: its calls are the instance talking to SSM, not a person. */
const AGENT_SOURCES = new Set(['ec2messages.amazonaws.com', 'ssmmessages.amazonaws.com']);
const AGENT_USER_AGENT = /amazon-ssm-agent/i;

/**
 * The instance id when a CloudTrail call was made with an EC2 instance's role credentials (an assumed-role
 * session named after the instance, as the instance metadata service delivers them); else null.
 *
 *   instanceSessionOf(event) // 'i-0a1b2c3d4e5f67890' for arn:aws:sts::111122223333:assumed-role/web-app-role/i-0a1b2c3d4e5f67890
 */
export function instanceSessionOf(event: SecurityEvent): string | null {
  const principal = event.principal;
  if (principal?.type !== 'AssumedRole') return null;
  const name = principal.name ?? '';
  return INSTANCE_ID.test(name) ? name : null;
}

/**
 * Whether the call is the Systems Manager agent's own housekeeping (UpdateInstanceInformation, message
 * polling): made with the instance's credentials, but by the agent, whatever the address.
 */
export function isAgentCall(event: SecurityEvent): boolean {
  return (
    AGENT_SOURCES.has(text(field(event, 'eventSource')) ?? '') || AGENT_USER_AGENT.test(event.userAgent ?? '')
  );
}
