import { describe, expect, it } from 'vitest';
import { DecodeError } from './dead-letter.js';
import { parseUtcTimestamp } from './timestamp.js';

function reasonOf(text: string): string | number {
  try {
    return parseUtcTimestamp(text, 'eventTime');
  } catch (error) {
    return (error as DecodeError).reason;
  }
}

describe('parseUtcTimestamp', () => {
  it('reads Z and +00:00, with or without fractions', () => {
    expect(reasonOf('2024-05-01T12:00:00Z')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(reasonOf('2024-05-01T12:00:00+00:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(reasonOf('2024-05-01T12:00:00.5Z')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 500));
    expect(reasonOf('2024-05-01T12:00:00.123456789Z')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 123));
  });

  it('tells a non-UTC time from an unparseable one', () => {
    expect(reasonOf('2024-05-01T12:00:00-05:00')).toBe('timestamp_not_utc');
    expect(reasonOf('2024-05-01T12:00:00')).toBe('timestamp_not_utc');
    expect(reasonOf('2024-05-01 12:00:00.000')).toBe('timestamp_not_utc');
    expect(reasonOf('2024-02-30T12:00:00Z')).toBe('timestamp_invalid');
    expect(reasonOf('2024-05-01T24:00:00Z')).toBe('timestamp_invalid');
    expect(reasonOf('1714564800')).toBe('timestamp_invalid');
    expect(reasonOf('redacted')).toBe('timestamp_invalid');
  });

  it('throws typed errors', () => {
    expect(() => parseUtcTimestamp('x', 'eventTime')).toThrow(DecodeError);
  });
});
