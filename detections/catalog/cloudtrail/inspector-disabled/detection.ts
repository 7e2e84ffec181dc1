import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { changeMatch, regionalId } from '../change-match.js';
import { successOrDenied } from '../denied-attempts.js';
import { items, request, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'inspector-disabled',
  title: 'Inspector scanning disabled or its findings suppressed',
  description:
    'Amazon Inspector scanning was disabled for some resource types (EC2, ECR, Lambda, Lambda code, code ' +
    'repositories; high) or a suppression rule created or changed (medium): vulnerable workloads an attacker ' +
    'exploits or plants are no longer reported. A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/inspector/latest/user/deactivating-inspector.html',
  remediation:
    'Re-enable scanning (`aws inspector2 enable --resource-types EC2 ECR LAMBDA LAMBDA_CODE`, Inspector console → ' +
    'Account management), review suppression rules (Inspector console → Suppression rules, `aws inspector2 ' +
    'delete-filter --arn <arn>`), and manage Inspector from the delegated administrator with auto-enable on.',
  actions: ['inspector2:Disable', 'inspector2:CreateFilter', 'inspector2:UpdateFilter'],
  match: successOrDenied((event) => {
    const change = changeOf(event);
    if (change === null) return null;
    const accounts = items(request(event, 'accountIds'))
      .map(text)
      .filter((id): id is string => id !== null);
    const where = accounts.length > 0 ? ` for ${accounts.join(', ')}` : '';
    return changeMatch(event, {
      severity: change.severity,
      what: `${change.what}${where}`,
      subject: `Inspector in ${event.region ?? 'an unknown region'}`,
      resource: { type: 'AWS::Inspector::Configuration', id: regionalId(event) },
      context: { accounts: accounts.join(',') },
    });
  }),
});

function changeOf(event: SecurityEvent): { severity: Severity; what: string } | null {
  if (event.action === 'inspector2:Disable') {
    const types = items(request(event, 'resourceTypes'))
      .map(text)
      .filter((type): type is string => type !== null);
    return {
      severity: 'high',
      what: `scanning disabled (${types.length > 0 ? types.join(', ') : 'all resource types'})`,
    };
  }
  if (text(request(event, 'action')) !== 'SUPPRESS') return null;
  const filter = text(request(event, 'name')) ?? text(request(event, 'filterArn')) ?? 'unknown';
  return {
    severity: 'medium',
    what: `suppression rule ${filter} ${event.action === 'inspector2:CreateFilter' ? 'created' : 'changed'}`,
  };
}
