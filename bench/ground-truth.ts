import { readFileSync } from 'node:fs';
import type { Finding } from '../schemas/types.js';
import type { Label } from './generate/corpus-attacks.js';

/** How findings compare with the corpus' injected attacks. */
export interface GroundTruthScore {
  labels: number;
  /** Labels with at least one matching finding. */
  found: number;
  /** Distinct findings (last version per id). */
  findings: number;
  /** Findings that match a label. */
  truePositives: number;
  precision: number;
  recall: number;
  missed: Label[];
  /** Findings matching no label: detection, key, time. */
  unexpected: { detection: string; key: string; time: string }[];
}

export function readLabels(path: string): Label[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Label);
}

/**
 * Precision and recall of findings against labels: a finding matches a label of its detection and dedup
 * key whose time range holds the finding's time (a dedup roll-up counts as its first finding).
 *
 *   scoreFindings(findings, readLabels('bench/data/corpus-1000000/labels.jsonl')).recall // 1
 */
export function scoreFindings(findings: readonly Finding[], labels: readonly Label[]): GroundTruthScore {
  const distinct = new Map<string, Finding>();
  for (const finding of findings) if (!distinct.has(finding.id)) distinct.set(finding.id, finding);
  const matches = (finding: Finding, label: Label) =>
    label.detection === finding.detection &&
    label.key === finding.dedupKey &&
    finding.time >= label.from &&
    finding.time <= label.to;
  const all = [...distinct.values()];
  const truePositives = all.filter((finding) => labels.some((label) => matches(finding, label)));
  const missed = labels.filter((label) => !all.some((finding) => matches(finding, label)));
  return {
    labels: labels.length,
    found: labels.length - missed.length,
    findings: all.length,
    truePositives: truePositives.length,
    precision: all.length === 0 ? 1 : truePositives.length / all.length,
    recall: labels.length === 0 ? 1 : (labels.length - missed.length) / labels.length,
    missed,
    unexpected: all
      .filter((finding) => !truePositives.includes(finding))
      .map((finding) => ({
        detection: finding.detection,
        key: finding.dedupKey,
        time: new Date(finding.time).toISOString(),
      })),
  };
}
