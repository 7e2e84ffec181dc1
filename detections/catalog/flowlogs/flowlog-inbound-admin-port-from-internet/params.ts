import type { DetectionParams } from '../../../api.js';

export interface AdminPortParams {
  /** Remote-administration ports that must not be reachable from the internet. */
  ports: number[];
}

export const DEFAULT_PARAMS: AdminPortParams = { ports: [22, 3389] };

/**
 * Config params (`detections.flowlog-inbound-admin-port-from-internet.params`); throws on a bad value.
 *
 *   adminPortParams({ ports: [22, 3389, 5985] }); // { ports: [22, 3389, 5985] }
 */
export function adminPortParams(params: DetectionParams): AdminPortParams {
  const value = params.ports ?? DEFAULT_PARAMS.ports;
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((port) => typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65_535);
  if (!valid) {
    throw new Error(
      `detections.flowlog-inbound-admin-port-from-internet.params.ports must be a non-empty list of ports (0-65535), got ${JSON.stringify(value)}`,
    );
  }
  return { ports: [...(value as number[])] };
}
