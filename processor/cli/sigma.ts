import { loadSigmaRules, type SigmaRuleReport, type SigmaRuleSet } from '../../detections/sigma/index.js';
import { ConfigError, parseDuration, type ShardwatchConfig } from './config.js';

/** Sigma rules that did not load: a configuration error listing each one, as `validate` prints it. */
export class SigmaRulesError extends ConfigError {
  constructor(readonly reports: readonly SigmaRuleReport[]) {
    const failed = reports.filter((report) => report.error);
    super('sigma', [
      {
        path: 'sigma',
        message: `${failed.length} Sigma rule(s) did not load:\n${failed.map(reportLine).join('\n')}`,
      },
    ]);
  }
}

/**
 * The Sigma rules of the config (`sigma.rules`) and of `--sigma` paths, with the config's placeholders
 * and dedup periods (`sigma.dedup`, per rule `detections.sigma-<id>.params.dedup`). Every document is
 * reported; `strict` throws SigmaRulesError when one failed (replay and run refuse to start without it).
 *
 *   const { detections } = sigmaRuleSet(config, ['rules/sigma'], { strict: true });
 */
export function sigmaRuleSet(
  config: ShardwatchConfig,
  extraPaths: readonly string[] = [],
  { strict }: { strict: boolean },
): SigmaRuleSet {
  const paths = [...config.sigma.rules, ...extraPaths];
  if (paths.length === 0) return { detections: [], reports: [] };
  let set: SigmaRuleSet;
  try {
    set = loadSigmaRules(paths, {
      placeholders: config.sigma.placeholders,
      dedupPeriodMs: config.sigma.dedupMs,
      dedupPeriodById: dedupOverrides(config),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError('sigma', [{ path: 'sigma', message: `cannot read the rules: ${message}` }]);
  }
  if (strict && set.reports.some((report) => report.error)) throw new SigmaRulesError(set.reports);
  return set;
}

/** `detections.sigma-<id>.params.dedup` as milliseconds; a Sigma detection takes no other param. */
function dedupOverrides(config: ShardwatchConfig): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const [id, settings] of Object.entries(config.detections)) {
    if (!id.startsWith('sigma-')) continue;
    const { dedup, ...others } = settings.params;
    const unknown = Object.keys(others);
    if (unknown.length > 0)
      throw new ConfigError('config', [
        {
          path: `detections.${id}.params`,
          message: `a Sigma detection takes only 'dedup', not ${unknown.join(', ')}`,
        },
      ]);
    if (dedup !== undefined) overrides[id] = parseDuration(dedup, `detections.${id}.params.dedup`);
  }
  return overrides;
}

/**
 * One line per Sigma document, as `validate` prints it:
 *   ok    rules/x.yml  sigma-4db6…  AWS CloudTrail Important Change — vitaliy0x1 (DRL-1.1)
 *   FAIL  rules/y.yml#2  detection.selection.Image|foo: unknown modifier 'foo' [unsupported_modifier]
 */
export function reportLine(report: SigmaRuleReport): string {
  const where = `${report.file}${report.document > 1 ? `#${report.document}` : ''}`;
  if (report.error) return `FAIL  ${where}  ${report.error.message} [${report.error.reason}]`;
  const info = report.info;
  const who = `${info?.title ?? ''} — ${info?.author ?? 'unknown author'} (${info?.license ?? 'unspecified'})`;
  const part =
    report.usedBy.length === 0
      ? ''
      : `  ${report.detectionId ? 'also part of' : 'runs inside'} ${report.usedBy.join(', ')}`;
  return `ok    ${where}  ${report.detectionId ?? `sigma-${info?.ruleId}`}  ${who}${part}`;
}
