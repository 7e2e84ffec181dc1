import { readFileSync } from 'node:fs';
import type { Finding } from '../schemas/types.js';
import type { Label } from './generate/corpus-attacks.js';

/** How findings compare with the corpus' injected attacks. */
export interface GroundTruthScore {
  labels: number;
  /** Labels with at least one matching finding. */
  found: number;
  /** Distinct findings scored: the labelled detections' notify and alert findings (first version per id). */
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
 * Precision and recall of alerts against labels: a finding matches a label of its detection and dedup
 * key whose time range holds the finding's time (a dedup roll-up counts as its first finding). Scored: the
 * findings of the detections the labels name, at the notify and alert tiers (`log` is context kept for
 * forensics). Other detections also fire on the injected attacks (a backdoor user is also a manual IAM change);
 * the corpus labels the one each scenario is written for.
 *
 *   scoreFindings(findings, readLabels('bench/data/corpus-1000000/labels.jsonl')).recall // 1
 */
export function scoreFindings(findings: readonly Finding[], labels: readonly Label[]): GroundTruthScore {
  const distinct = new Map<string, Finding>();
  const labelled = new Set(labels.map((label) => label.detection));
  for (const finding of findings)
    if (finding.tier !== 'log' && labelled.has(finding.detection) && !distinct.has(finding.id))
      distinct.set(finding.id, finding);
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
