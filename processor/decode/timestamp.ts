import { DecodeError } from './dead-letter.js';

// Date, time, optional fraction, optional zone; a space separator is accepted so zone-less
// "2024-01-01 00:00:00" reads as "not UTC" rather than as garbage.
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;
const UTC_ZONES = new Set(['Z', '+00:00', '+0000']);

/**
 * Epoch ms of an ISO 8601 timestamp in UTC (`Z` or `+00:00`); throws DecodeError
 * `timestamp_not_utc` for another or no zone, `timestamp_invalid` for anything else.
 *
 *   parseUtcTimestamp('2024-05-01T12:00:00Z', 'eventTime') // 1714564800000
 */
export function parseUtcTimestamp(text: string, field: string): number {
  const match = ISO_8601.exec(text);
  if (!match) throw new DecodeError('timestamp_invalid', `${field} '${text.slice(0, 64)}' is not ISO 8601`);
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const time = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    Number((fraction ?? '').slice(0, 3).padEnd(3, '0')),
  );
  const date = new Date(time);
  // Date.UTC rolls 2024-02-30 over into March: a changed day or hour means the fields were out of range.
  if (
    date.getUTCDate() !== Number(day) ||
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCHours() !== Number(hour) ||
    date.getUTCMinutes() !== Number(minute) ||
    Number(second) > 59
  ) {
    throw new DecodeError('timestamp_invalid', `${field} '${text}' is out of range`);
  }
  if (zone === undefined || !UTC_ZONES.has(zone)) {
    throw new DecodeError('timestamp_not_utc', `${field} '${text}' is not in UTC`);
  }
  return time;
}

/** Like parseUtcTimestamp for optional fields: null instead of an error. */
export function optionalUtcTimestamp(text: string | null): number | null {
  if (text === null) return null;
  try {
    return parseUtcTimestamp(text, '');
  } catch {
    return null;
  }
}
