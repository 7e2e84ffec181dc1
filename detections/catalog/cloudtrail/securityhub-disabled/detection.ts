import type { SecurityEvent } from '../../../../schemas/types.js';
import { atAnyCase, requestAnyCase } from '../any-case.js';
import { type Change, changeMatch, regionalId } from '../change-match.js';
import { successOrDenied } from '../denied-attempts.js';
import { items, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'securityhub-disabled',
  title: 'Security Hub disabled, or its standards, controls or integrations turned off',
  description:
    'Security Hub was disabled, a security standard unsubscribed or the import of findings from an integration ' +
    '(GuardDuty, Inspector, Macie, a partner) stopped (high): findings the security team relies on no longer ' +
    "arrive. Individual controls disabled are medium: the checks that would flag the attacker's " +
    'misconfigurations stop. A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-disable.html',
  remediation:
    'Re-enable what was turned off: `aws securityhub enable-security-hub`, `aws securityhub ' +
    'batch-enable-standards --standards-subscription-requests StandardsArn=<arn>`, `aws securityhub ' +
    'enable-import-findings-for-product --product-arn <arn>`, or set the controls back to ENABLED (Security Hub ' +
    'console → Controls). Manage Security Hub centrally from the delegated administrator and deny these calls in ' +
    'member accounts with an SCP.',
  actions: [
    'securityhub:DisableSecurityHub',
    'securityhub:BatchDisableStandards',
    'securityhub:DisableImportFindingsForProduct',
    'securityhub:UpdateStandardsControl',
    'securityhub:BatchUpdateStandardsControlAssociations',
  ],
  match: successOrDenied((event) => changeMatch(event, changeOf(event))),
});

function changeOf(event: SecurityEvent): Change | null {
  const on = {
    subject: `Security Hub in ${event.region ?? 'an unknown region'}`,
    resource: { type: 'AWS::SecurityHub::Hub', id: regionalId(event) },
    impact: 'Security Hub reports less there until it is turned back on.',
  };
  switch (event.action) {
    case 'securityhub:DisableSecurityHub':
      return { ...on, severity: 'high', what: 'Security Hub disabled' };
    case 'securityhub:BatchDisableStandards':
      return {
        ...on,
        severity: 'high',
        what: `standards disabled: ${names(requestAnyCase(event, 'StandardsSubscriptionArns'))}`,
      };
    case 'securityhub:DisableImportFindingsForProduct':
      return {
        ...on,
        severity: 'high',
        what: `findings import stopped: ${lastSegment(text(requestAnyCase(event, 'ProductSubscriptionArn')) ?? 'unknown')}`,
      };
    case 'securityhub:UpdateStandardsControl':
      return text(requestAnyCase(event, 'ControlStatus')) === 'DISABLED'
        ? {
            ...on,
            severity: 'medium',
            what: `control disabled: ${lastSegment(text(requestAnyCase(event, 'ControlArn')) ?? 'unknown')}`,
          }
        : null;
    default: {
      const disabled = items(requestAnyCase(event, 'StandardsControlAssociationUpdates'))
        .filter((update) => text(atAnyCase(update, 'AssociationStatus')) === 'DISABLED')
        .map((update) => text(atAnyCase(update, 'SecurityControlId')) ?? 'unknown');
      return disabled.length > 0
        ? { ...on, severity: 'medium', what: `controls disabled: ${[...new Set(disabled)].join(', ')}` }
        : null;
    }
  }
}

function names(list: Parameters<typeof items>[0]): string {
  const arns = items(list)
    .map(text)
    .filter((arn): arn is string => arn !== null);
  return arns.length > 0 ? arns.map(lastSegment).join(', ') : 'unknown';
}

/** `arn:aws:securityhub:...:subscription/cis-aws-foundations-benchmark/v/1.2.0` → `cis-aws-foundations-benchmark/v/1.2.0`. */
function lastSegment(arn: string): string {
  const match = /:(?:subscription|product-subscription|control)\/(.+)$/.exec(arn);
  return match?.[1] ?? arn;
}
