import type { Resource, SecurityEvent } from '../../../schemas/types.js';
import { at, items, request, response, text } from './record.js';

/** Session Manager documents that forward a port to another host through the instance (a network pivot). */
const REMOTE_FORWARDING = /^AWS-StartPortForwardingSessionToRemoteHost$/;
/** Run Command documents that run arbitrary shell or PowerShell commands. */
const SHELL_DOCUMENTS = /^AWS-Run(Shell|PowerShell)Script$/;

/** The managed instance a StartSession call opens a session on (`i-…`, or `mi-…` for hybrid nodes). */
export function sessionTarget(event: SecurityEvent): string | null {
  return text(request(event, 'target'));
}

/** The Session Manager document, `SSM-SessionManagerRunShell` (interactive shell) when the call names none. */
export function sessionDocument(event: SecurityEvent): string {
  return text(request(event, 'documentName')) ?? 'SSM-SessionManagerRunShell';
}

export function isRemotePortForwarding(document: string): boolean {
  return REMOTE_FORWARDING.test(document);
}

/**
 * The instances a SendCommand call names: `instanceIds`, and `targets` with key `InstanceIds` (tag and
 * resource-group targets are resolved by SSM later and are not counted).
 */
export function commandInstanceIds(event: SecurityEvent): string[] {
  const direct = items(request(event, 'instanceIds')).flatMap((id) => text(id) ?? []);
  const targeted = items(request(event, 'targets'))
    .filter(
      (target) => text(at(target, 'key')) === 'InstanceIds' || text(at(target, 'Key')) === 'InstanceIds',
    )
    .flatMap((target) => items(at(target, 'values') ?? at(target, 'Values')).flatMap((id) => text(id) ?? []));
  return [...new Set([...direct, ...targeted])].filter((id) => id !== '*');
}

export function commandDocument(event: SecurityEvent): string {
  return (
    text(request(event, 'documentName')) ?? text(response(event, 'command', 'documentName')) ?? 'unknown'
  );
}

export function isShellDocument(document: string): boolean {
  return SHELL_DOCUMENTS.test(document);
}

/** An EC2 instance (`i-…`) or a hybrid managed node (`mi-…`) as a finding resource. */
export function managedNodeResource(id: string, account: string | null): Resource {
  return { type: id.startsWith('mi-') ? 'AWS::SSM::ManagedInstance' : 'AWS::EC2::Instance', id, account };
}
