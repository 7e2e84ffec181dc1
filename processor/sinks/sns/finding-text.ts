import type { Finding } from '../../../schemas/types.js';

/** Section headings of the text, in order; tests and readers find the sections by them. */
export const TEXT_SECTIONS = ['What happened', 'Why it matters', 'How to fix'] as const;

/**
 * The message an engineer reads: what happened, why it matters, how to fix it, then the finding id so the
 * alert can be traced to the JSONL/Timestream record. `team` is the account's owner, when known.
 *
 *   findingText(finding, 'payments');
 *   // '[HIGH] Security group opened to the internet\n\nWhat happened\n...\nFinding id: 3f2a...'
 */
export function findingText(finding: Finding, team: string | null): string {
  const lines = [
    `[${finding.severity.toUpperCase()}] ${finding.title}`,
    '',
    TEXT_SECTIONS[0],
    finding.description,
  ];
  lines.push(`Detection: ${finding.detection}`);
  const owner = team ? ` (team ${team})` : '';
  lines.push(`Account: ${finding.account ?? 'unknown'}${owner}, region: ${finding.region ?? 'unknown'}`);
  lines.push(`Principal: ${finding.principal ?? 'unknown'}`);
  if (finding.resources.length > 0) {
    lines.push(
      `Resources: ${finding.resources.map((resource) => `${resource.type} ${resource.id}`).join(', ')}`,
    );
  }
  lines.push(`When: ${whenText(finding)}`);
  const context = Object.entries(finding.context);
  if (context.length > 0)
    lines.push(`Context: ${context.map(([key, value]) => `${key}=${value}`).join(', ')}`);
  const omitted = finding.count - finding.evidence.length;
  const evidence = finding.evidence.join(', ') + (omitted > 0 ? ` (+${omitted} more)` : '');
  lines.push(`Events: ${finding.count}${finding.evidence.length > 0 ? `: ${evidence}` : ''}`);

  lines.push('', TEXT_SECTIONS[1]);
  lines.push(`Severity ${finding.severity}, tier ${finding.tier}, risk score ${finding.riskScore}/100.`);
  if (finding.mitre.length > 0) {
    lines.push(`MITRE ATT&CK: ${finding.mitre.map((id) => `${id} ${mitreUrl(id)}`).join(', ')}`);
  }

  lines.push('', TEXT_SECTIONS[2], finding.remediation, `Runbook: ${finding.runbook}`);
  lines.push('', `Finding id: ${finding.id}`);
  return lines.join('\n');
}

/**
 * One line for SMS and chat: severity, title, account and id.
 *
 *   shortText(finding); // '[HIGH] Root console login (111122223333) 3f2a...'
 */
export function shortText(finding: Finding): string {
  return `[${finding.severity.toUpperCase()}] ${finding.title} (${finding.account ?? 'unknown'}) ${finding.id}`;
}

function whenText(finding: Finding): string {
  const time = new Date(finding.time).toISOString();
  if (!finding.window) return time;
  const { start, end } = finding.window;
  return `${time} (window ${new Date(start).toISOString()} to ${new Date(end).toISOString()})`;
}

/** T1078.004 → https://attack.mitre.org/techniques/T1078/004/ */
function mitreUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}
