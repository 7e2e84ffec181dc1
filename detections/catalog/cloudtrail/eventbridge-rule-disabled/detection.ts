import type { SecurityEvent } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { nameMatcher } from '../name-matcher.js';
import { items, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = {
  securityRules: [
    '*guardduty*',
    '*securityhub*',
    '*security*',
    '*cloudtrail*',
    '*alert*',
    '*incident*',
    '*remediat*',
    '*siem*',
    '*audit*',
  ],
};

export const detection = cloudTrailRule({
  id: 'eventbridge-rule-disabled',
  title: 'EventBridge rule disabled, deleted or stripped of its targets',
  description:
    'An EventBridge rule was disabled, deleted or had its targets removed. Such rules route GuardDuty and Security ' +
    'Hub findings, CloudTrail events and alarms to responders, ticketing and auto-remediation: an attacker breaks ' +
    'them so their activity reaches nobody. High for rules whose name marks them as security plumbing ' +
    '(`securityRules` globs), medium otherwise; calls AWS services make on their own managed rules are ignored. ' +
    'A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rules.html',
  remediation:
    'Enable the rule again (`aws events enable-rule --name <rule> --event-bus-name <bus>`, EventBridge console → ' +
    'Rules → Enable), or recreate it and its targets from IaC (`aws events put-rule` / `aws events put-targets`), ' +
    'then replay what it missed from the event bus archive if one exists (`aws events start-replay`).',
  actions: ['events:DisableRule', 'events:DeleteRule', 'events:RemoveTargets', 'events:PutRule'],
  settings: (read) => ({
    isSecurityRule: nameMatcher(read.strings('securityRules', DEFAULT_PARAMS.securityRules)),
  }),
  match: successOrDenied((event, settings: { isSecurityRule: (name: string | null) => boolean }) => {
    if (event.principal?.type === 'AWSService') return null;
    const change = changeOf(event);
    if (change === null) return null;
    const bus = text(request(event, 'eventBusName')) ?? 'default';
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${bus}:${change.rule}`,
      severity: settings.isSecurityRule(change.rule) ? 'high' : 'medium',
      title: `EventBridge rule ${change.rule} ${change.what} by ${who}`,
      description: `${who} called ${event.action} on rule ${change.rule} (bus ${bus}, ${event.region ?? 'an unknown region'}): events it matched no longer reach its targets.`,
      resources: [{ type: 'AWS::Events::Rule', id: change.rule, account: event.account }],
      context: { rule: change.rule, eventBus: bus, change: change.what },
    };
  }),
});

function changeOf(event: SecurityEvent): { rule: string; what: string } | null {
  const rule = text(request(event, 'name')) ?? text(request(event, 'rule')) ?? 'unknown';
  switch (event.action) {
    case 'events:DisableRule':
      return { rule, what: 'disabled' };
    case 'events:DeleteRule':
      return { rule, what: 'deleted' };
    case 'events:RemoveTargets':
      return { rule, what: `stripped of ${items(request(event, 'ids')).length} target(s)` };
    default:
      return text(request(event, 'state')) === 'DISABLED' ? { rule, what: 'saved disabled' } : null;
  }
}
