import type { Detection, DetectionParams } from '../../detections/api.js';
import { catalog } from '../../detections/catalog/index.js';
import type { ShardwatchConfig } from './config.js';
import { sigmaRuleSet } from './sigma.js';

/**
 * The catalog detections and Sigma rules (config `sigma`, plus `sigmaPaths`) the config enables, with
 * their params by id. Throws SigmaRulesError (a ConfigError) when a Sigma rule does not load.
 */
export function enabledDetections(
  config: ShardwatchConfig,
  sigmaPaths: readonly string[] = [],
): { detections: Detection[]; params: Record<string, DetectionParams> } {
  const sigma = sigmaRuleSet(config, sigmaPaths, { strict: true }).detections;
  return enabledOf(config, [...catalog.map((entry) => entry.detection), ...sigma]);
}

/** The detections the config enables, or does not switch off when they are on by default, with their params. */
export function enabledOf(
  config: ShardwatchConfig,
  all: readonly Detection[],
): { detections: Detection[]; params: Record<string, DetectionParams> } {
  const detections = all.filter(
    (detection) => config.detections[detection.id]?.enabled ?? detection.enabledByDefault !== false,
  );
  const params: Record<string, DetectionParams> = {};
  for (const detection of detections) params[detection.id] = config.detections[detection.id]?.params ?? {};
  return { detections, params };
}
