import type { JsonValue, SecurityEvent } from '../../../schemas/types.js';
import { isFalse } from './flag.js';
import { at, items, request, text } from './record.js';

/** How much of the management events a trail still records after a PutEventSelectors call. */
export interface ManagementCoverage {
  /** `all`: every management event; `some`: a part of them; `none`: no management event at all. */
  level: 'all' | 'some' | 'none';
  /** What the selectors leave out, for titles: `read-only events`, `events from kms.amazonaws.com`... */
  dropped: string[];
}

/**
 * The management events the selectors of a PutEventSelectors call keep, from basic selectors
 * (`includeManagementEvents`, `readWriteType`, `excludeManagementEventSources`) or advanced ones (field
 * selectors on `eventCategory`, `readOnly`, `eventSource`); null when the call carries neither.
 *
 *   managementCoverage(event) // { level: 'none', dropped: ['all management events'] }
 */
export function managementCoverage(event: SecurityEvent): ManagementCoverage | null {
  const basic = items(request(event, 'eventSelectors'));
  const advanced = items(request(event, 'advancedEventSelectors'));
  if (basic.length === 0 && advanced.length === 0) return null;
  const kept = [...basic.map(basicSelector), ...advanced.map(advancedSelector)].filter(
    (selector): selector is SelectorCoverage => selector !== null,
  );
  if (kept.length === 0) return { level: 'none', dropped: ['all management events'] };
  const reads = kept.some((selector) => selector.reads && selector.dropped.length === 0);
  const writes = kept.some((selector) => selector.writes && selector.dropped.length === 0);
  if (reads && writes) return { level: 'all', dropped: [] };
  const dropped = new Set<string>();
  if (!kept.some((selector) => selector.reads)) dropped.add('read-only events');
  if (!kept.some((selector) => selector.writes)) dropped.add('write events');
  for (const selector of kept) for (const what of selector.dropped) dropped.add(what);
  return { level: 'some', dropped: [...dropped] };
}

/** The management events one selector records: reads and/or writes, minus what it excludes. */
interface SelectorCoverage {
  reads: boolean;
  writes: boolean;
  dropped: string[];
}

function basicSelector(selector: JsonValue): SelectorCoverage | null {
  if (isFalse(at(selector, 'includeManagementEvents'))) return null;
  const readWrite = text(at(selector, 'readWriteType')) ?? 'All';
  const excluded = items(at(selector, 'excludeManagementEventSources'))
    .map(text)
    .filter((source): source is string => source !== null);
  return {
    reads: readWrite !== 'WriteOnly',
    writes: readWrite !== 'ReadOnly',
    dropped: excluded.map((source) => `events from ${source}`),
  };
}

function advancedSelector(selector: JsonValue): SelectorCoverage | null {
  const fields = items(at(selector, 'fieldSelectors'));
  const category = fields.find((field) => at(field, 'field') === 'eventCategory');
  if (!listed(category, 'equals').includes('Management')) return null;
  const readOnly = listed(
    fields.find((field) => at(field, 'field') === 'readOnly'),
    'equals',
  );
  const source = fields.find((field) => at(field, 'field') === 'eventSource');
  const dropped = [
    ...listed(source, 'notEquals').map((name) => `events from ${name}`),
    ...(listed(source, 'equals').length > 0
      ? [`events from sources other than ${listed(source, 'equals').join(', ')}`]
      : []),
  ];
  return {
    reads: readOnly.length === 0 || readOnly.includes('true'),
    writes: readOnly.length === 0 || readOnly.includes('false'),
    dropped,
  };
}

/** The string values of a field selector's operator (`equals`, `notEquals`), in any case CloudTrail writes. */
function listed(field: JsonValue | undefined, operator: 'equals' | 'notEquals'): string[] {
  const capitalised = operator === 'equals' ? 'Equals' : 'NotEquals';
  return items(at(field, operator) ?? at(field, capitalised))
    .map((value) => (typeof value === 'boolean' ? String(value) : text(value)))
    .filter((value): value is string => value !== null);
}
