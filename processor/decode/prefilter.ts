import { cloudTrailAction } from './cloudtrail.js';
import { DecodeError } from './dead-letter.js';
import type { DecodeContext } from './options.js';
import { parseTimestamp } from './timestamp.js';

const QUOTE = 0x22;
const LOWER_E = 0x65;

/**
 * Where a scan found the values of a CloudTrail text's `eventSource`, `eventName` and `eventTime`: one
 * per decode context, reused for every record (no allocation per record), with a memo of the last time read
 * (records of a file mostly share their second).
 */
export class CloudTrailScan {
  eventSource = '';
  eventName = '';
  eventTime = '';
  private lastTimeText: string | null = null;
  private lastTime = 0;

  /**
   * Reads the three values; false when the scan cannot be sure of them: a key missing, repeated (nested
   * objects may reuse the names) or escaped, a value that is not a plain string, or a GuardDuty finding, whose
   * nested API details must not be mistaken for the record's own. One pass over the text: every key
   * contains `vent`, a rare sequence in CloudTrail text.
   */
  read(text: string): boolean {
    let source = -1;
    let name = -1;
    let time = -1;
    for (let at = text.indexOf('vent'); at >= 0; at = text.indexOf('vent', at + 4)) {
      if (text.charCodeAt(at - 1) !== LOWER_E || text.charCodeAt(at - 2) !== QUOTE) continue;
      const after = at + 4;
      if (text.startsWith('Source"', after)) {
        if (source >= 0) return false;
        source = after + 7;
      } else if (text.startsWith('Name"', after)) {
        if (name >= 0) return false;
        name = after + 5;
      } else if (text.startsWith('Time"', after)) {
        if (time >= 0) return false;
        time = after + 5;
      }
    }
    if (source < 0 || name < 0 || time < 0) return false;
    const eventSource = stringValueAt(text, source);
    const eventName = stringValueAt(text, name);
    const eventTime = stringValueAt(text, time);
    if (eventSource === null || eventName === null || eventTime === null) return false;
    if (text.includes('guardduty')) return false;
    this.eventSource = eventSource;
    this.eventName = eventName;
    this.eventTime = eventTime;
    return true;
  }

  /** `eventTime` in epoch ms; null when it is not a valid time (the record is then parsed and dead-lettered). */
  time(): number | null {
    if (this.eventTime === this.lastTimeText) return this.lastTime;
    try {
      this.lastTime = parseTimestamp(this.eventTime, 'eventTime');
      this.lastTimeText = this.eventTime;
      return this.lastTime;
    } catch (error) {
      if (error instanceof DecodeError) return null;
      throw error;
    }
  }
}

/**
 * The event time of a CloudTrail record's text when neither a detection nor the state cache needs the
 * record, so it may be skipped unparsed (its time still moves the clock); null when it must be parsed:
 * wanted, its text contains a needle of the routes that want its action, or the scan cannot read its action
 * and time for sure.
 *
 *   skippableTime('{"eventTime":"2026-11-24T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets"}', context)
 *   // 1795514400000 when nothing routes on s3:ListBuckets
 */
export function skippableTime(text: string, context: DecodeContext): number | null {
  const scan = context.scan;
  if (!scan.read(text)) return null;
  const action = cloudTrailAction(scan.eventSource, scan.eventName);
  if (context.wants?.('cloudtrail', action) !== false) {
    const need = context.rawNeed('cloudtrail', action);
    if (need === null || mayContain(text, need.needles) || (need.changes && !markedReadOnly(text)))
      return null;
  }
  return scan.time();
}

/**
 * Whether the text may hold one of the needles. Without a backslash the raw text spells every string as it
 * is, so a missing needle is truly absent; with one, an escape could hide it, and the record is parsed.
 */
function mayContain(text: string, needles: readonly string[]): boolean {
  if (needles.length === 0) return false;
  if (text.includes('\\')) return true;
  for (const needle of needles) if (text.includes(needle)) return true;
  return false;
}

/**
 * Whether the text's one `readOnly` key says `true`. Two keys (a request may hold its own `readOnly`, as
 * ECS mount points do) leave it unsure, and the record is parsed. CloudTrail writes the record's own
 * `readOnly` on API calls; a lower-cased export (`readonly`) is always parsed.
 */
export function markedReadOnly(text: string): boolean {
  const key = text.indexOf('"readOnly"');
  if (key < 0 || text.indexOf('"readOnly"', key + 10) >= 0) return false;
  let position = skipSpace(text, key + 10);
  if (text.charCodeAt(position) !== 0x3a /* : */) return false;
  position = skipSpace(text, position + 1);
  return text.startsWith('true', position);
}

/**
 * The CloudTrail action of a JSON text found by a string scan, without parsing it; null when the scan
 * cannot be sure (see CloudTrailScan.read), and the text must be parsed to know.
 *
 *   scanCloudTrailAction('{"eventSource":"iam.amazonaws.com","eventName":"CreateUser","eventTime":"…"}') // 'iam:CreateUser'
 */
export function scanCloudTrailAction(text: string): string | null {
  const scan = new CloudTrailScan();
  return scan.read(text) ? cloudTrailAction(scan.eventSource, scan.eventName) : null;
}

/** The string after a key (`at` just past its closing quote): `: "value"`, spaces allowed; null otherwise. */
function stringValueAt(text: string, at: number): string | null {
  let position = skipSpace(text, at);
  if (text.charCodeAt(position) !== 0x3a /* : */) return null;
  position = skipSpace(text, position + 1);
  if (text.charCodeAt(position) !== QUOTE) return null;
  const end = text.indexOf('"', position + 1);
  if (end < 0) return null;
  const value = text.slice(position + 1, end);
  return value.includes('\\') ? null : value;
}

function skipSpace(text: string, from: number): number {
  let position = from;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) break;
    position += 1;
  }
  return position;
}
