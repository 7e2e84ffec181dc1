import type { Detection } from '../../detections/api.js';
import { catalog } from '../../detections/catalog/index.js';
import { InvalidAllowRuleError, suppress } from '../../detections/operators/index.js';
import type { SigmaRuleSet } from '../../detections/sigma/index.js';
import { WatermarkClock } from '../pipeline/watermarks.js';
import { StateCache } from '../state/index.js';
import { ConfigError, DEFAULT_CONFIG, loadConfig, type ShardwatchConfig } from './config.js';
import { enabledOf } from './detections.js';
import { reportLine, sigmaRuleSet } from './sigma.js';

/**
 * `shardwatch validate [rule files or dirs…] [--config f]`: one line per Sigma document (loaded, or the
 * exact construct that is not supported and where), then the config checks: it parses, names only known
 * detections, each enabled detection accepts its params, and the allow rules are valid.
 * Exit 0 when all is well, 1 when a Sigma rule did not load, 2 for usage or config errors.
 */
export function validateCommand(paths: readonly string[], options: { config?: string }): number {
  if (paths.length === 0 && options.config === undefined) {
    process.stderr.write('shardwatch: validate needs Sigma rule files or directories, or --config\n');
    return 2;
  }
  try {
    const config = options.config === undefined ? DEFAULT_CONFIG : loadConfig(options.config);
    const sigma = sigmaRuleSet(config, paths, { strict: false });
    const failed = printSigmaReports(sigma);
    if (options.config !== undefined && !validateConfig(options.config, config, sigma)) return 2;
    return failed > 0 ? 1 : 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`shardwatch: ${message}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
}

/** Prints the Sigma report lines and a total; returns how many documents failed. */
function printSigmaReports({ reports }: SigmaRuleSet): number {
  if (reports.length === 0) return 0;
  for (const report of reports) console.log(reportLine(report));
  const failed = reports.filter((report) => report.error).length;
  console.log(`${reports.length} Sigma document(s): ${reports.length - failed} loaded, ${failed} failed`);
  return failed;
}

function validateConfig(file: string, config: ShardwatchConfig, sigma: SigmaRuleSet): boolean {
  const all: Detection[] = [...catalog.map((entry) => entry.detection), ...sigma.detections];
  const known = new Set([
    ...all.map((detection) => detection.id),
    ...sigma.reports.flatMap((report) => (report.info ? [`sigma-${report.info.ruleId}`] : [])),
  ]);
  const problems: string[] = [];
  for (const id of Object.keys(config.detections)) {
    if (!known.has(id)) problems.push(`detections.${id}: no such detection`);
  }
  config.allowList.forEach((rule, index) => {
    for (const id of rule.detections ?? []) {
      if (!known.has(id)) problems.push(`allowList[${index}].detections: no such detection ${id}`);
    }
  });
  const clock = new WatermarkClock(config.latenessMs);
  const state = new StateCache({ ...config.state, now: () => clock.latest });
  const { detections, params } = enabledOf(config, all);
  for (const detection of detections) {
    try {
      detection.operator({ clock, state, params: params[detection.id] ?? {} });
    } catch (error) {
      problems.push(
        `detections.${detection.id}.params: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  try {
    suppress({ rules: config.allowList });
  } catch (error) {
    if (!(error instanceof InvalidAllowRuleError)) throw error;
    problems.push(`${error.path}: ${error.message}`);
  }
  if (problems.length > 0) {
    for (const problem of problems) process.stderr.write(`${file}: ${problem}\n`);
    return false;
  }
  console.log(
    `${file}: ok (${catalog.length} catalog detections, ${sigma.detections.length} Sigma detections, ${config.allowList.length} allow rules)`,
  );
  return true;
}
