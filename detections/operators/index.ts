export { type AbsenceOptions, absence } from './absence.js';
export { type AggregateMatch, type AggregateOptions, aggregate } from './aggregate.js';
export { type AllowRule, InvalidAllowRuleError } from './allow-rule.js';
export { type ChainMatch, type ChainOptions, chain } from './chain.js';
export { type DedupOptions, dedup } from './dedup.js';
export { type DistinctCountOptions, type DistinctMatch, distinctCount } from './distinct-count.js';
export { type Enriched, enrich } from './enrich.js';
export { type SequenceMatch, type SequenceOptions, sequence } from './sequence.js';
export { type SuppressOptions, suppress } from './suppress.js';
export { type ThresholdOptions, threshold } from './threshold.js';
export { type WindowByOptions, type WindowMatch, windowBy } from './window-by.js';
export {
  hours,
  minutes,
  seconds,
  session,
  sliding,
  type Timed,
  tumbling,
  type WindowSpec,
} from './window-spec.js';
