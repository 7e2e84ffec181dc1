import { successOrDenied } from '../denied-attempts.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'access-analyzer-disabled',
  title: 'IAM Access Analyzer deleted or its findings auto-archived',
  description:
    'An IAM Access Analyzer analyzer was deleted (high): resources shared outside the account or organization ' +
    '(buckets, roles, keys, snapshots an attacker opens up) are no longer found. An archive rule created or ' +
    'changed (medium) archives every new matching finding, which hides such sharing. A call refused for lack of ' +
    'permission counts.',
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html',
  remediation:
    'Recreate the analyzer (`aws accessanalyzer create-analyzer --analyzer-name <name> --type ORGANIZATION` or ' +
    'ACCOUNT; IAM console → Access analyzer → Create analyzer), review archive rules (`aws accessanalyzer ' +
    'list-archive-rules --analyzer-name <name>`, delete the unexpected ones) and the findings they archived.',
  actions: [
    'access-analyzer:DeleteAnalyzer',
    'access-analyzer:CreateArchiveRule',
    'access-analyzer:UpdateArchiveRule',
  ],
  match: successOrDenied((event) => {
    const analyzer = text(request(event, 'analyzerName')) ?? 'unknown';
    const rule = text(request(event, 'ruleName'));
    const deleted = event.action === 'access-analyzer:DeleteAnalyzer';
    const what = deleted
      ? `analyzer ${analyzer} deleted`
      : `archive rule ${rule ?? 'unknown'} ${event.action === 'access-analyzer:CreateArchiveRule' ? 'created' : 'changed'} on ${analyzer}`;
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${analyzer}:${rule ?? ''}`,
      severity: deleted ? 'high' : 'medium',
      title: `IAM Access Analyzer ${what} by ${who}`,
      description: `${who} called ${event.action} in ${event.region ?? 'an unknown region'}: ${what}.`,
      resources: [{ type: 'AWS::AccessAnalyzer::Analyzer', id: analyzer, account: event.account }],
      context: {
        analyzer,
        archiveRule: rule ?? '',
        filter: deleted ? '' : JSON.stringify(request(event, 'filter') ?? null),
      },
    };
  }),
});
