/**
 * What one replay benchmark run measures: `baseline` = gunzip + split lines + JSON.parse; `decode` =
 * bytes → SecurityEvents; `replay*` = the full pipeline, with or without the prefilter, with the whole
 * catalog or without the detections that route every CloudTrail action (`narrow`).
 */
export const REPLAY_MODES = [
  'baseline',
  'decode',
  'replay',
  'replay-no-prefilter',
  'replay-narrow',
  'replay-narrow-no-prefilter',
] as const;

export type ReplayMode = (typeof REPLAY_MODES)[number];
