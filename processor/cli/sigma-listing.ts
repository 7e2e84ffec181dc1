import { tierFor } from '../../detections/finding.js';
import type { SigmaDetection } from '../../detections/sigma/index.js';

/**
 * The Sigma detections as a table: id, severity, tier, what they route on, MITRE ids, author and license
 * (DRL 1.1 asks for the author wherever a rule is shown), and the rule's title.
 *
 *   console.log(sigmaTable(detections));
 */
export function sigmaTable(detections: readonly SigmaDetection[]): string {
  const rows = [
    ['SIGMA ID', 'SEVERITY', 'TIER', 'ROUTES', 'MITRE', 'AUTHOR', 'LICENSE', 'TITLE'],
    ...detections.map((detection) => [
      detection.id,
      detection.severity,
      detection.tier ?? tierFor(detection.severity),
      routesText(detection),
      detection.mitre.join(','),
      detection.sigma.author ?? 'unknown',
      detection.sigma.license,
      detection.sigma.kind === 'correlation' ? `${detection.title} (correlation)` : detection.title,
    ]),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `cloudtrail: 3 actions`, `cloudtrail: every action`, `cloudtrail: iam:CreateUser`. */
function routesText(detection: SigmaDetection): string {
  return detection.routes
    .map((route) => {
      if (route.actions === '*') return `${route.source}: every action`;
      if (route.actions.length === 1) return `${route.source}: ${route.actions[0]}`;
      return `${route.source}: ${route.actions.length} actions`;
    })
    .join('; ');
}
