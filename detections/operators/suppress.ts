import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { SecurityEvent } from '../../schemas/types.js';
import { type AllowRule, compileAllowRule } from './allow-rule.js';

export interface SuppressOptions {
  rules: readonly AllowRule[];
  /** Tags of the instances an event is about, for `tags` conditions (none known when absent). */
  tagsOf?: (event: SecurityEvent) => Record<string, string>;
  onSuppressed?: (event: SecurityEvent, rule: AllowRule) => void;
}

/**
 * Drops events matched by an allow rule (the first matching rule is reported). Rules are validated when
 * the operator is built: an invalid one throws InvalidAllowRuleError with its path (`allowList[i]...`).
 *
 *   events.pipe(suppress({ rules: [{ reason: 'CI', principals: ['arn:aws:iam::*:role/ci-*'] }] }))
 *   // ──ci──dev──  →  ──dev──
 */
export function suppress(options: SuppressOptions): MonoTypeOperatorFunction<SecurityEvent> {
  const rules = options.rules.map((rule, index) => compileAllowRule(rule, `allowList[${index}]`));
  const tagsOf = options.tagsOf ?? (() => ({}));
  return filter((event) => {
    const matched = rules.find((rule) => rule.matches(event, tagsOf));
    if (matched) options.onSuppressed?.(event, matched.rule);
    return matched === undefined;
  });
}
