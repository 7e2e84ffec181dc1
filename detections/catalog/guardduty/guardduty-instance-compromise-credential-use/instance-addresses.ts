import type { JsonValue, SecurityEvent } from '../../../../schemas/types.js';

/**
 * The instance's own addresses listed in a GuardDuty finding (`resource.instanceDetails.networkInterfaces[]`
 * public and private IPs): calls from them are the instance itself, not its credentials used elsewhere.
 *
 *   instanceAddresses(guardDutyEvent); // ['10.0.1.10', '54.210.1.2']
 */
export function instanceAddresses(event: SecurityEvent): string[] {
  const finding = child(event.raw, 'detail') ?? event.raw;
  const interfaces = child(child(child(finding, 'resource'), 'instanceDetails'), 'networkInterfaces');
  if (!Array.isArray(interfaces)) return [];
  return interfaces.flatMap((networkInterface) =>
    [child(networkInterface, 'publicIp'), child(networkInterface, 'privateIpAddress')].filter(
      (address): address is string => typeof address === 'string',
    ),
  );
}

function child(value: JsonValue | undefined, name: string): JsonValue | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value[name] : undefined;
}
