/** Why a Sigma document could not be loaded; machine-readable, printed by `shardwatch validate`. */
export type SigmaErrorReason =
  | 'yaml_invalid'
  | 'not_a_rule'
  | 'missing_field'
  | 'invalid_field'
  | 'unsupported_modifier'
  | 'invalid_modifier'
  | 'invalid_value'
  | 'regex_unsupported'
  | 'condition_invalid'
  | 'unknown_identifier'
  | 'logsource_unmapped'
  | 'placeholder_unresolved'
  | 'too_complex'
  | 'correlation_invalid'
  | 'unknown_rule'
  | 'duplicate_id'
  | 'status_unsupported'
  | 'filter_unsupported';

/**
 * A Sigma rule that cannot be compiled: the reason, where in the document (`detection.selection.eventName|re`,
 * `detection.condition`, `logsource`…) and what exactly is wrong.
 *
 *   throw new SigmaRuleError('unsupported_modifier', 'detection.selection.Image|foo', "unknown modifier 'foo'");
 */
export class SigmaRuleError extends Error {
  override readonly name = 'SigmaRuleError';
  constructor(
    readonly reason: SigmaErrorReason,
    readonly where: string,
    readonly detail: string,
  ) {
    super(`${where}: ${detail}`);
  }
}
