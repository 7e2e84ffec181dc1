import { describe, expect, it } from 'vitest';
import { rejectionReason } from './rejection-reason.js';

const RANGE =
  'The record timestamp is outside the time range [2024-05-01T11:00:00.000Z, 2024-05-01T12:15:00.000Z) of the memory store.';
const NOW = Date.UTC(2024, 4, 1, 12);

describe('rejectionReason', () => {
  it('reads the memory-store range from the reason text', () => {
    expect(rejectionReason(RANGE, Date.UTC(2024, 4, 1, 10), NOW)).toBe('record_too_old');
    expect(rejectionReason(RANGE, Date.UTC(2024, 4, 1, 12, 15), NOW)).toBe('record_in_future');
  });

  it('falls back to the wall clock when the range cannot be parsed', () => {
    const text = 'The record timestamp is outside the time range [start, end) of the memory store.';
    expect(rejectionReason(text, NOW - 1, NOW)).toBe('record_too_old');
    expect(rejectionReason(text, NOW + 1, NOW)).toBe('record_in_future');
  });

  it('recognises retention and future wording without a range', () => {
    expect(rejectionReason('Record is older than the memory store retention', 0, NOW)).toBe('record_too_old');
    expect(rejectionReason('Record timestamp is too far in the future', 0, NOW)).toBe('record_in_future');
  });

  it('labels anything else rejected_record', () => {
    const text = 'Dimension value exceeds the maximum length of 2048 bytes.';
    expect(rejectionReason(text, NOW, NOW)).toBe('rejected_record');
  });
});
