export { type SigmaErrorReason, SigmaRuleError } from './errors.js';
export {
  compileSigmaSources,
  loadSigmaRules,
  type SigmaLoadOptions,
  type SigmaRuleReport,
  type SigmaRuleSet,
  type SigmaSource,
} from './load.js';
export type { Placeholders } from './modifiers.js';
export type { SigmaDetection, SigmaInfo } from './sigma-detection.js';
