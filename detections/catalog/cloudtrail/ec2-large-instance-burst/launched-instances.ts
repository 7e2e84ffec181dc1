import type { JsonObject, JsonValue, SecurityEvent } from '../../../../schemas/types.js';

/** One instance started by a RunInstances call: the unit the burst detection counts. */
export interface LaunchedInstance {
  /** `<eventID>#<n>`: unique and stable, so windows order instances deterministically. */
  id: string;
  time: number;
  event: SecurityEvent;
  instanceId: string | null;
  instanceType: string | null;
}

/**
 * The instances a RunInstances record launched: the response's `instancesSet` when present, else
 * `maxCount` per requested item (the most the call may have started), so one call for 10 hosts counts 10.
 *
 *   launchedInstances(runInstancesEvent).length; // 6 for a call that started six instances
 */
export function launchedInstances(event: SecurityEvent): LaunchedInstance[] {
  const record = objectAt(event.raw);
  const request = objectAt(record?.requestParameters);
  const requestedType = stringAt(request?.instanceType);
  const launched = itemsAt(objectAt(record?.responseElements)?.instancesSet);
  if (launched.length > 0) {
    return launched.map((item, n) =>
      instance(event, n, stringAt(item.instanceId), stringAt(item.instanceType) ?? requestedType),
    );
  }
  const requested = itemsAt(request?.instancesSet).reduce((sum, item) => sum + countAt(item.maxCount), 0);
  return Array.from({ length: requested }, (_, n) => instance(event, n, null, requestedType));
}

function instance(
  event: SecurityEvent,
  n: number,
  instanceId: string | null,
  instanceType: string | null,
): LaunchedInstance {
  return { id: `${event.id}#${n}`, time: event.time, event, instanceId, instanceType };
}

function objectAt(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function itemsAt(value: JsonValue | undefined): JsonObject[] {
  const items = objectAt(value)?.items;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item): JsonObject[] => {
    const object = objectAt(item);
    return object ? [object] : [];
  });
}

function stringAt(value: JsonValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** CloudTrail writes counts as numbers, occasionally as strings; anything else counts as one. */
function countAt(value: JsonValue | undefined): number {
  const count = typeof value === 'string' ? Number(value) : value;
  return typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : 1;
}
