/** Machine-readable reasons for records Timestream rejected for good (dead-letter and metric labels). */
export type TimestreamRejection = 'record_too_old' | 'record_in_future' | 'rejected_record';

// Timestream states the accepted range as `[start, end)` in ISO 8601 in the reason text.
const TIME_RANGE = /outside the time range \[([^,\]]+),\s*([^)\]]+)[)\]]/i;

/**
 * Classifies a RejectedRecord's Reason: a time outside the memory-store range is too old or in the future
 * (by the range in the text, else by `now`); anything else (limits, conflicting values) is `rejected_record`.
 *
 *   rejectionReason('The record timestamp is outside the time range [2024-01-01T00:00:00Z, ...', time, Date.now());
 *   // 'record_too_old' when time < 2024-01-01
 */
export function rejectionReason(reason: string, time: number, now: number): TimestreamRejection {
  const range = TIME_RANGE.exec(reason);
  if (range) {
    const end = Date.parse(range[2] ?? '');
    if (Number.isFinite(end)) return time >= end ? 'record_in_future' : 'record_too_old';
    return time > now ? 'record_in_future' : 'record_too_old';
  }
  if (/future/i.test(reason)) return 'record_in_future';
  if (/retention|too old|older than/i.test(reason)) return 'record_too_old';
  return 'rejected_record';
}
