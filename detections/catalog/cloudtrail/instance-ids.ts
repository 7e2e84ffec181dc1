import type { SecurityEvent } from '../../../schemas/types.js';
import { at, items, request, text } from './record.js';

/**
 * The instances an EC2 call names in its request: `instanceId` (ModifyInstanceAttribute, GetConsoleOutput,
 * Instance Connect) or `instancesSet.items[].instanceId` (Start/Stop/TerminateInstances), in order, each once.
 *
 *   requestedInstanceIds(stopInstancesEvent) // ['i-0a1b2c3d4e5f67890', 'i-0b2c3d4e5f6a78901']
 */
export function requestedInstanceIds(event: SecurityEvent): string[] {
  const single = text(request(event, 'instanceId'));
  const listed = items(request(event, 'instancesSet')).flatMap((item) => text(at(item, 'instanceId')) ?? []);
  return [...new Set(single === null ? listed : [single, ...listed])];
}

/** `userData` as CloudTrail writes it (`<sensitiveDataRemoved>`, or `{ value }`), or the older attribute/value form. */
export function setsUserData(event: SecurityEvent): boolean {
  const userData = request(event, 'userData');
  return (userData !== undefined && userData !== null) || text(request(event, 'attribute')) === 'userData';
}
