import type { SecurityEvent } from '../../schemas/types.js';
import type { FactStore } from './fact-store.js';
import type { InstanceFact } from './facts.js';
import { field, items, tagRecord, text } from './record-fields.js';

/** ec2:RunInstances: one fact per launched instance, tags from the request's tag specifications and the response. */
export function learnRunInstances(store: FactStore, event: SecurityEvent): void {
  const request = field(event.raw, 'requestParameters');
  const requestTags = instanceTagSpecifications(request);
  const requestProfile =
    text(field(request, 'iamInstanceProfile', 'arn')) ?? text(field(request, 'iamInstanceProfile', 'name'));
  for (const item of items(field(event.raw, 'responseElements', 'instancesSet'))) {
    const id = text(field(item, 'instanceId'));
    if (id === null) continue;
    const known = store.get('instance', id);
    store.set('instance', id, {
      id,
      account: event.account,
      region: event.region,
      type: text(field(item, 'instanceType')) ?? text(field(request, 'instanceType')),
      launchedAt: event.time,
      launchedBy: event.principal?.arn ?? null,
      profile: requestProfile ?? text(field(item, 'iamInstanceProfile', 'arn')),
      tags: { ...known?.tags, ...requestTags, ...tagRecord(field(item, 'tagSet')) },
      terminated: false,
    });
  }
}

/** ec2:TerminateInstances: known instances are marked terminated (kept, so later events still resolve). */
export function learnTerminateInstances(store: FactStore, event: SecurityEvent): void {
  for (const item of items(field(event.raw, 'requestParameters', 'instancesSet'))) {
    const id = text(field(item, 'instanceId'));
    const known = id === null ? undefined : store.get('instance', id);
    if (id !== null && known) store.set('instance', id, { ...known, terminated: true });
  }
}

/** ec2:CreateTags: tags added to the instances among the resources; an unknown instance gets a stub fact. */
export function learnCreateTags(store: FactStore, event: SecurityEvent): void {
  const added = tagRecord(field(event.raw, 'requestParameters', 'tagSet'));
  for (const id of taggedInstances(event)) {
    const known = store.get('instance', id) ?? stubInstance(id, event);
    store.set('instance', id, { ...known, tags: { ...known.tags, ...added } });
  }
}

/** ec2:DeleteTags: a tag given with a value is removed only when the value matches, as EC2 does. */
export function learnDeleteTags(store: FactStore, event: SecurityEvent): void {
  const removed = items(field(event.raw, 'requestParameters', 'tagSet'));
  for (const id of taggedInstances(event)) {
    const known = store.get('instance', id);
    if (!known) continue;
    const kept = Object.entries(known.tags).filter(
      ([key, value]) =>
        !removed.some((tag) => {
          const removedValue = field(tag, 'value');
          return field(tag, 'key') === key && (typeof removedValue !== 'string' || removedValue === value);
        }),
    );
    store.set('instance', id, { ...known, tags: Object.fromEntries(kept) });
  }
}

function instanceTagSpecifications(request: unknown): Record<string, string> {
  let tags: Record<string, string> = {};
  for (const specification of items(field(request, 'tagSpecificationSet'))) {
    if (field(specification, 'resourceType') === 'instance') {
      tags = { ...tags, ...tagRecord(field(specification, 'tags')) };
    }
  }
  return tags;
}

function taggedInstances(event: SecurityEvent): string[] {
  return items(field(event.raw, 'requestParameters', 'resourcesSet'))
    .map((resource) => text(field(resource, 'resourceId')))
    .filter((id): id is string => id?.startsWith('i-') === true);
}

function stubInstance(id: string, event: SecurityEvent): InstanceFact {
  return {
    id,
    account: event.account,
    region: event.region,
    type: null,
    launchedAt: event.time,
    launchedBy: null,
    profile: null,
    tags: {},
    terminated: false,
  };
}
