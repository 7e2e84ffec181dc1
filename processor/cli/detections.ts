import type { Detection, DetectionParams } from '../../detections/api.js';
import { catalog } from '../../detections/catalog/index.js';
import type { ShardwatchConfig } from './config.js';

/** The catalog detections the config enables, with their params by id. */
export function enabledDetections(config: ShardwatchConfig): {
  detections: Detection[];
  params: Record<string, DetectionParams>;
} {
  const detections = catalog
    .map((entry) => entry.detection)
    .filter((detection) => config.detections[detection.id]?.enabled ?? true);
  const params: Record<string, DetectionParams> = {};
  for (const detection of detections) params[detection.id] = config.detections[detection.id]?.params ?? {};
  return { detections, params };
}
