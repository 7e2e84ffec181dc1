import { DecodeError } from './dead-letter.js';

// Date, `T` or space, time, optional fraction (up to nanoseconds and beyond), optional zone.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Epoch ms of an ISO 8601 timestamp. AWS writes UTC (`Z`); Panther, Athena and Security Lake exports drop
 * the zone (`2024-06-02 20:27:12`, `2024-11-26 19:29:38.000000000`), so a time without a zone is UTC too,
 * and an explicit offset is converted. Throws DecodeError `timestamp_invalid` for anything else.
 *
 *   parseTimestamp('2024-05-01T12:00:00Z', 'eventTime')      // 1714564800000
 *   parseTimestamp('2024-05-01 14:00:00+02:00', 'eventTime') // 1714564800000
 */
export function parseTimestamp(text: string, field: string): number {
  const match = ISO_8601.exec(text);
  if (!match) throw new DecodeError('timestamp_invalid', `${field} '${text.slice(0, 64)}' is not ISO 8601`);
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const local = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    Number((fraction ?? '').slice(0, 3).padEnd(3, '0')),
  );
  const date = new Date(local);
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
  const offset = offsetMinutes(zone);
  if (offset === null) throw new DecodeError('timestamp_invalid', `${field} '${text}' has an invalid offset`);
  return local - offset * 60_000;
}

/** Minutes east of UTC of `Z`, `+02:00`, `-0530`, `+02`; 0 without a zone; null when out of range. */
function offsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** Like parseTimestamp for optional fields: null instead of an error. */
export function optionalTimestamp(text: string | null): number | null {
  if (text === null) return null;
  try {
    return parseTimestamp(text, '');
  } catch {
    return null;
  }
}
