import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { Finding } from '../../../schemas/types.js';
import { findingText, shortText } from './finding-text.js';

/** SNS's limit for one message (and for a whole PublishBatch): body plus attribute names, types and values. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

/** A finding rendered for one topic, without the batch entry id. */
export interface SnsEntry {
  /** `MessageStructure: 'json'` body: a message per protocol, `default` for the rest. */
  message: string;
  attributes: Record<string, MessageAttributeValue>;
  /** FIFO topics only. */
  groupId?: string;
  deduplicationId?: string;
  /** What SNS counts against its 256 KiB limit. */
  bytes: number;
}

/** Steps that make an oversized finding smaller, mildest first; the id is never touched. */
const SHRINK_STEPS: ((finding: Finding) => Finding)[] = [
  (finding) => ({ ...finding, evidence: [] }),
  (finding) => ({ ...finding, context: {}, resources: finding.resources.slice(0, 10) }),
  (finding) => ({ ...finding, description: cut(finding.description, 4096) }),
  (finding) => ({
    ...finding,
    title: cut(finding.title, 512),
    description: cut(finding.description, 1024),
    detection: cut(finding.detection, 256),
    principal: finding.principal === null ? null : cut(finding.principal, 512),
    resources: [],
    mitre: finding.mitre.slice(0, 10).map((id) => cut(id, 32)),
    runbook: cut(finding.runbook, 1024),
    remediation: cut(finding.remediation, 1024),
    dedupKey: cut(finding.dedupKey, 512),
    account: finding.account === null ? null : cut(finding.account, 64),
    region: finding.region === null ? null : cut(finding.region, 64),
  }),
];

/**
 * Renders a finding as a PublishBatch entry: the human text plus the structured finding as `default`
 * (email and other text protocols), the bare finding JSON for SQS and Lambda subscribers, one line for SMS;
 * attributes for subscription filter policies; FIFO ids. Oversized findings are trimmed to fit 256 KiB
 * (evidence first, then context/resources, then the description), never their id.
 *
 *   const entry = snsEntry(finding, { team: 'payments', fifo: true });
 *   // entry.groupId === finding.account, entry.deduplicationId === `${finding.id}:${finding.count}`
 */
export function snsEntry(finding: Finding, o: { team: string | null; fifo: boolean }): SnsEntry {
  let current = finding;
  let entry = render(current, o);
  for (const shrink of SHRINK_STEPS) {
    if (entry.bytes <= SNS_MAX_MESSAGE_BYTES) break;
    current = shrink(current);
    entry = render(current, o);
  }
  return entry;
}

function render(finding: Finding, o: { team: string | null; fifo: boolean }): SnsEntry {
  const json = JSON.stringify(finding);
  const message = JSON.stringify({
    default: `${findingText(finding, o.team)}\n\n${json}`,
    sqs: json,
    lambda: json,
    sms: shortText(finding),
  });
  const attributes: Record<string, MessageAttributeValue> = {
    severity: text(finding.severity),
    tier: text(finding.tier),
    detection: text(finding.detection),
    // SNS rejects empty attribute values: unknowns are 'none', which filter policies can match.
    account: text(finding.account ?? 'none'),
    team: text(o.team ?? 'none'),
    riskScore: { DataType: 'Number', StringValue: String(finding.riskScore) },
  };
  const entry: SnsEntry = { message, attributes, bytes: entryBytes(message, attributes) };
  if (o.fifo) {
    entry.groupId = finding.account ?? 'none';
    // The count is part of the id: a roll-up of the same finding with more events is news, a retry is not.
    entry.deduplicationId = `${finding.id}:${finding.count}`;
  }
  return entry;
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

function entryBytes(message: string, attributes: Record<string, MessageAttributeValue>): number {
  let bytes = Buffer.byteLength(message);
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    bytes += Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}

function cut(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}… [truncated]`;
}
