import { stringify } from 'yaml';
import type { Detection } from '../../detections/api.js';
import { catalog } from '../../detections/catalog/index.js';
import { InvalidAllowRuleError, suppress } from '../../detections/operators/index.js';
import type { SigmaRuleSet } from '../../detections/sigma/index.js';
import { WatermarkClock } from '../pipeline/watermarks.js';
import { StateCache } from '../state/index.js';
import {
  ConfigError,
  readConfigDocument,
  redactSecrets,
  type ShardwatchConfig,
  validateConfig,
} from './config.js';
import { enabledOf } from './detections.js';
import { reportLine, sigmaRuleSet } from './sigma.js';

/**
 * `shardwatch validate [rule files or dirs…] [--config f] [--print]`: one line per Sigma document (loaded,
 * or the exact construct that is not supported and where); then, unless only rules were named, the config
 * (file or SHARDWATCH_CONFIG, with SHARDWATCH_* overrides): it matches the schema, names only known
 * detections, each enabled detection accepts its params (building its operator validates them), and the
 * allow rules are valid. `--print` shows the effective document with secrets redacted.
 * Exit 0 when all is well, 1 when a Sigma rule did not load, 2 for usage or config errors.
 */
export function validateCommand(
  paths: readonly string[],
  options: { config?: string; print?: boolean },
): number {
  try {
    const loaded = readConfigDocument(options.config, process.env);
    const config = validateConfig(loaded);
    const sigma = sigmaRuleSet(config, paths, { strict: false });
    const failed = printSigmaReports(sigma);
    const checkConfig = options.config !== undefined || paths.length === 0;
    if (checkConfig && !configProblemsReported(loaded.origin, config, sigma)) return 2;
    if (options.print) process.stdout.write(stringify(redactSecrets(loaded.document)));
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

/** The config's own checks; prints each problem (or one ok line) and returns whether there were none. */
function configProblemsReported(origin: string, config: ShardwatchConfig, sigma: SigmaRuleSet): boolean {
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
    for (const problem of problems) process.stderr.write(`${origin}: ${problem}\n`);
    return false;
  }
  process.stderr.write(
    `${origin}: ok (${catalog.length} catalog detections, ${sigma.detections.length} Sigma detections, ` +
      `${config.allowList.length} allow rules)\n`,
  );
  return true;
}
