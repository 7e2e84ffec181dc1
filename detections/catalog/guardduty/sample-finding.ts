import type { JsonValue, SecurityEvent } from '../../../schemas/types.js';

/**
 * Whether a GuardDuty finding is a sample (`service.additionalInfo.sample` = true, made by
 * CreateSampleFindings or the console's "Generate sample findings"), in a raw finding or an EventBridge event.
 *
 *   events.pipe(filter((event) => !isSampleFinding(event)));
 */
export function isSampleFinding(event: SecurityEvent): boolean {
  const finding = child(event.raw, 'detail') ?? event.raw;
  return child(child(child(finding, 'service'), 'additionalInfo'), 'sample') === true;
}

function child(value: JsonValue | undefined, name: string): JsonValue | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value[name] : undefined;
}
