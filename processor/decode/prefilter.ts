import { cloudTrailAction } from './cloudtrail.js';

const EVENT_SOURCE_KEY = '"eventSource"';
const EVENT_NAME_KEY = '"eventName"';

/**
 * The CloudTrail action of a JSON text found by a string scan, without parsing it; null when the scan
 * cannot be sure (a key missing, repeated or escaped, or a GuardDuty finding, whose nested API details
 * must not be mistaken for the record's own), and the text must be parsed to know.
 *
 *   scanCloudTrailAction('{"eventSource":"iam.amazonaws.com","eventName":"CreateUser"}') // 'iam:CreateUser'
 */
export function scanCloudTrailAction(text: string): string | null {
  const eventSource = soleStringValue(text, EVENT_SOURCE_KEY);
  if (eventSource === null) return null;
  const eventName = soleStringValue(text, EVENT_NAME_KEY);
  if (eventName === null || text.includes('guardduty')) return null;
  return cloudTrailAction(eventSource, eventName);
}

/** The value of the only occurrence of `"key": "value"`; a quoted key followed by a colon is always a key. */
function soleStringValue(text: string, quotedKey: string): string | null {
  const at = text.indexOf(quotedKey);
  if (at < 0 || text.indexOf(quotedKey, at + quotedKey.length) >= 0) return null;
  let position = skipSpace(text, at + quotedKey.length);
  if (text.charCodeAt(position) !== 0x3a /* : */) return null;
  position = skipSpace(text, position + 1);
  if (text.charCodeAt(position) !== 0x22 /* " */) return null;
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
