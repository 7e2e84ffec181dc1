export type { CorrelationType, CountCondition, ParsedCorrelation } from './correlation.js';
export { type SigmaErrorReason, SigmaRuleError } from './errors.js';
export {
  compileSigmaSources,
  licenseName,
  loadSigmaRules,
  type SigmaLoadOptions,
  type SigmaRuleReport,
  type SigmaRuleSet,
  type SigmaSource,
} from './load.js';
export { describeLogsource, LOGSOURCE_MAPPINGS } from './logsource.js';
export type { Placeholders } from './modifiers.js';
export type { SigmaDetection, SigmaInfo } from './sigma-detection.js';
