import type { Severity } from '../../schemas/types.js';
import { TACTICS, type Tactic } from '../api.js';
import { SigmaRuleError } from './errors.js';

const SEVERITY_BY_LEVEL: Readonly<Record<string, Severity>> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** ATT&CK v18 split defense evasion into these two; shardwatch's tactic list keeps the former name. */
const TACTIC_ALIASES: Readonly<Record<string, Tactic>> = {
  stealth: 'defense-evasion',
  'defense-impairment': 'defense-evasion',
};

/** Sigma `level` → severity; a rule without a level is medium. */
export function severityOf(level: unknown, where = 'level'): Severity {
  if (level === undefined || level === null) return 'medium';
  const severity = typeof level === 'string' ? SEVERITY_BY_LEVEL[level.toLowerCase()] : undefined;
  if (!severity)
    throw new SigmaRuleError(
      'invalid_field',
      where,
      `'${String(level)}' is not one of ${Object.keys(SEVERITY_BY_LEVEL).join(', ')}`,
    );
  return severity;
}

/** `attack.t1078.004` → `T1078.004`. */
export function techniquesOf(tags: readonly string[]): string[] {
  const techniques = tags
    .map((tag) => /^attack\.(t\d{4}(\.\d{3})?)$/i.exec(tag)?.[1]?.toUpperCase())
    .filter((id): id is string => id !== undefined);
  return [...new Set(techniques)];
}

/** `attack.defense-evasion` (or `_evasion`) → `defense-evasion`; unknown names are left out. */
export function tacticsOf(tags: readonly string[]): Tactic[] {
  const tactics: Tactic[] = [];
  for (const tag of tags) {
    const name = /^attack\.([a-z_-]+)$/i.exec(tag)?.[1]?.toLowerCase().replaceAll('_', '-');
    if (name === undefined) continue;
    const tactic = TACTIC_ALIASES[name] ?? (TACTICS as readonly string[]).find((known) => known === name);
    if (tactic && !tactics.includes(tactic as Tactic)) tactics.push(tactic as Tactic);
  }
  return tactics;
}

/** The runbook of a rule: its first reference, else the rule's page in the SigmaHQ repository (by id). */
export function runbookOf(references: readonly string[], ruleId: string): string {
  const link = references.find((reference) => /^https?:\/\//.test(reference));
  return link ?? `https://github.com/search?q=repo%3ASigmaHQ%2Fsigma+${encodeURIComponent(ruleId)}&type=code`;
}
