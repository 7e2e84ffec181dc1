import type { Route } from '../../detections/api.js';
import { LEARNERS } from './learners.js';

/** The CloudTrail actions the state cache learns from: the pipeline must not prefilter them away. */
export const STATE_ROUTES: readonly Route[] = [{ source: 'cloudtrail', actions: [...LEARNERS.keys()] }];
