import type { DetectionParams } from '../../../api.js';

export interface PortScanParams {
  /** Distinct destination ports one source must touch within the window. */
  minPorts: number;
  windowMinutes: number;
}

export const DEFAULT_PARAMS: PortScanParams = { minPorts: 25, windowMinutes: 1 };

/**
 * Config params (`detections.flowlog-port-scan.params`) over the defaults; throws on a bad value.
 *
 *   portScanParams({ minPorts: 50 }); // { minPorts: 50, windowMinutes: 1 }
 */
export function portScanParams(params: DetectionParams): PortScanParams {
  const result = { ...DEFAULT_PARAMS };
  for (const name of ['minPorts', 'windowMinutes'] as const) {
    const value = params[name] ?? DEFAULT_PARAMS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new Error(
        `detections.flowlog-port-scan.params.${name} must be a positive integer, got ${JSON.stringify(value)}`,
      );
    }
    result[name] = value;
  }
  return result;
}
