import type { JsonValue, SecurityEvent, Severity } from '../../../../schemas/types.js';
import { atAnyCase, requestAnyCase } from '../any-case.js';
import { changeMatch, regionalId } from '../change-match.js';
import { successOrDenied } from '../denied-attempts.js';
import { items, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = { minFindings: 10 };

const HIDDEN_STATUSES = ['SUPPRESSED', 'RESOLVED'];

export const detection = cloudTrailRule({
  id: 'securityhub-findings-suppressed',
  title: 'Security Hub findings suppressed in bulk',
  description:
    'Security Hub findings were hidden wholesale: an automation rule that suppresses, resolves or downgrades the ' +
    'findings it matches (high: every future match is hidden), findings archived through UpdateFindings by filter ' +
    '(high when the filter is empty: every finding), or many findings suppressed, resolved or set to informational ' +
    'in one BatchUpdateFindings call (medium). A deleted custom insight is low. An attacker does this to keep the ' +
    'findings of their activity from the security team. A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.SecurityHub.Finding.Evasion'] },
  runbook: 'https://docs.aws.amazon.com/securityhub/latest/userguide/automation-rules.html',
  remediation:
    'Review and delete suppressing automation rules (Security Hub console → Automations, `aws securityhub ' +
    'batch-delete-automation-rules --automation-rules-arns <arn>`), set the hidden findings back to NEW ' +
    '(`aws securityhub batch-update-findings --finding-identifiers ... --workflow Status=NEW`) and triage them; ' +
    'restrict securityhub:BatchUpdateFindings and automation rules to the security team.',
  actions: [
    'securityhub:CreateAutomationRule',
    'securityhub:BatchUpdateAutomationRules',
    'securityhub:UpdateFindings',
    'securityhub:BatchUpdateFindings',
    'securityhub:DeleteInsight',
  ],
  settings: (read) => ({ minFindings: read.positiveInteger('minFindings', DEFAULT_PARAMS.minFindings) }),
  match: successOrDenied((event, settings: typeof DEFAULT_PARAMS) => {
    const suppression = suppressionOf(event, settings.minFindings);
    return changeMatch(
      event,
      suppression && {
        ...suppression,
        subject: `Security Hub in ${event.region ?? 'an unknown region'}`,
        resource: { type: 'AWS::SecurityHub::Hub', id: regionalId(event) },
      },
    );
  }),
});

function suppressionOf(
  event: SecurityEvent,
  minFindings: number,
): { severity: Severity; what: string } | null {
  switch (event.action) {
    case 'securityhub:CreateAutomationRule':
      return hidesFindings(requestAnyCase(event, 'Actions'))
        ? {
            severity: 'high',
            what: `automation rule ${text(requestAnyCase(event, 'RuleName')) ?? 'unknown'} hides findings`,
          }
        : null;
    case 'securityhub:BatchUpdateAutomationRules': {
      const hiding = items(requestAnyCase(event, 'UpdateAutomationRulesRequestItems')).filter((rule) =>
        hidesFindings(atAnyCase(rule, 'Actions')),
      );
      return hiding.length > 0
        ? { severity: 'high', what: `${hiding.length} automation rule(s) changed to hide findings` }
        : null;
    }
    case 'securityhub:UpdateFindings': {
      const filters = requestAnyCase(event, 'Filters');
      const everything = filters !== null && typeof filters === 'object' && Object.keys(filters).length === 0;
      if (everything) return { severity: 'high', what: 'every finding updated by an empty filter' };
      return text(requestAnyCase(event, 'RecordState')) === 'ARCHIVED'
        ? { severity: 'high', what: 'findings archived by filter' }
        : null;
    }
    case 'securityhub:BatchUpdateFindings': {
      const count = items(requestAnyCase(event, 'FindingIdentifiers')).length;
      const status = text(requestAnyCase(event, 'Workflow', 'Status'));
      const label = text(requestAnyCase(event, 'Severity', 'Label'));
      const hidden = (status !== null && HIDDEN_STATUSES.includes(status)) || label === 'INFORMATIONAL';
      return hidden && count >= minFindings
        ? { severity: 'medium', what: `${count} findings set to ${status ?? label}` }
        : null;
    }
    default:
      return {
        severity: 'low',
        what: `insight ${text(requestAnyCase(event, 'InsightArn')) ?? text(requestAnyCase(event, 'Name')) ?? 'unknown'} deleted`,
      };
  }
}

/** Automation rule actions that suppress, resolve or downgrade the findings they match. */
function hidesFindings(actions: JsonValue | undefined): boolean {
  return items(actions).some((action) => {
    const update = atAnyCase(action, 'FindingFieldsUpdate');
    const status = text(atAnyCase(update, 'Workflow', 'Status'));
    return (
      (status !== null && HIDDEN_STATUSES.includes(status)) ||
      text(atAnyCase(update, 'Severity', 'Label')) === 'INFORMATIONAL'
    );
  });
}
