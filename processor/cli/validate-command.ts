import { stringify } from 'yaml';
import { catalog } from '../../detections/catalog/index.js';
import { InvalidAllowRuleError, suppress } from '../../detections/operators/index.js';
import { WatermarkClock } from '../pipeline/watermarks.js';
import { StateCache } from '../state/index.js';
import { ConfigError, readConfigDocument, redactSecrets, validateConfig } from './config.js';
import { enabledDetections } from './detections.js';

/**
 * `shardwatch validate [--config f] [--print]`: the config (file or SHARDWATCH_CONFIG, with SHARDWATCH_*
 * overrides) matches the schema, names only known detections, each enabled detection accepts its params
 * (building its operator validates them), and the allow rules are valid. `--print` shows the effective
 * document with secrets redacted.
 */
export function validateCommand(options: { config?: string; print?: boolean }): number {
  try {
    const loaded = readConfigDocument(options.config, process.env);
    const config = validateConfig(loaded);
    const origin = loaded.origin;
    const known = new Set(catalog.map((entry) => entry.detection.id));
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
    const { detections, params } = enabledDetections(config);
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
      return 2;
    }
    if (options.print) process.stdout.write(stringify(redactSecrets(loaded.document)));
    process.stderr.write(
      `${origin}: ok (${known.size} detections, ${config.allowList.length} allow rules)\n`,
    );
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`shardwatch: ${message}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
}
