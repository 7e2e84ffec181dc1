import { describe, expect, it } from 'vitest';
import { DecodeError } from './dead-letter.js';
import { parseTimestamp } from './timestamp.js';

function reasonOf(text: string): string | number {
  try {
    return parseTimestamp(text, 'eventTime');
  } catch (error) {
    return (error as DecodeError).reason;
  }
}

describe('parseTimestamp', () => {
  it('reads Z and +00:00, with or without fractions', () => {
    expect(reasonOf('2024-05-01T12:00:00Z')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(reasonOf('2024-05-01T12:00:00+00:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(reasonOf('2024-05-01T12:00:00.5Z')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 500));
    expect(reasonOf('2024-05-01T12:00:00.123456789Z')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 123));
  });

  it('reads a time without a zone as UTC, as Panther, Athena and Security Lake exports write it', () => {
    expect(reasonOf('2024-05-01T12:00:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(reasonOf('2024-06-02 20:27:12')).toBe(Date.UTC(2024, 5, 2, 20, 27, 12));
    expect(reasonOf('2024-11-26 19:29:38.000000000')).toBe(Date.UTC(2024, 10, 26, 19, 29, 38));
    expect(reasonOf('2025-02-25 20:40:06.721')).toBe(Date.UTC(2025, 1, 25, 20, 40, 6, 721));
  });

  it('converts explicit offsets to UTC', () => {
    expect(reasonOf('2024-05-01T07:00:00-05:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(reasonOf('2024-05-01T14:00:00+0200')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(reasonOf('2024-05-01 17:30:00.250+05:30')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 250));
    expect(reasonOf('2024-05-01T13:00:00+01')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(reasonOf('2024-05-01T00:30:00+01:00')).toBe(Date.UTC(2024, 3, 30, 23, 30));
    expect(reasonOf('2024-05-01t12:00:00z')).toBe(Date.UTC(2024, 4, 1, 12));
  });

  it('dead-letters only times that cannot be parsed', () => {
    expect(reasonOf('2024-05-01T12:00:00+24:00')).toBe('timestamp_invalid');
    expect(reasonOf('2024-05-01T12:00:00+02:60')).toBe('timestamp_invalid');
    expect(reasonOf('2024-05-01T12:00:00 UTC')).toBe('timestamp_invalid');
    expect(reasonOf('2024-02-30T12:00:00Z')).toBe('timestamp_invalid');
    expect(reasonOf('2024-05-01T24:00:00Z')).toBe('timestamp_invalid');
    expect(reasonOf('1714564800')).toBe('timestamp_invalid');
    expect(reasonOf('redacted')).toBe('timestamp_invalid');
  });

  it('throws typed errors', () => {
    expect(() => parseTimestamp('x', 'eventTime')).toThrow(DecodeError);
  });
});
