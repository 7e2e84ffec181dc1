import { successOrDenied } from '../denied-attempts.js';
import { items, request, text } from '../record.js';
import { actor, cloudTrailRule, type RuleMatch } from '../rule.js';

export const DEFAULT_PARAMS = { minArchived: 10 };

export const detection = cloudTrailRule({
  id: 'guardduty-findings-suppressed',
  title: 'GuardDuty findings suppressed',
  description:
    'A GuardDuty filter was created or changed to archive matching findings automatically (a suppression rule: ' +
    'new findings it matches never reach anyone, high), or many findings were archived in one call (medium): an ' +
    'attacker hides the findings their activity raises. A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/findings_suppression-rule.html',
  remediation:
    'Review the suppression rule (GuardDuty console → Findings → Saved rules, or `aws guardduty get-filter ' +
    '--detector-id <id> --filter-name <name>`); delete it (`aws guardduty delete-filter`) unless it is a reviewed ' +
    'exception, and unarchive and triage the findings it hid (`aws guardduty unarchive-findings`).',
  actions: ['guardduty:CreateFilter', 'guardduty:UpdateFilter', 'guardduty:ArchiveFindings'],
  settings: (read) => ({ minArchived: read.positiveInteger('minArchived', DEFAULT_PARAMS.minArchived) }),
  match: successOrDenied((event, settings: typeof DEFAULT_PARAMS): RuleMatch | null => {
    const detectorId = text(request(event, 'detectorId')) ?? 'unknown';
    const who = actor(event);
    const resources = [{ type: 'AWS::GuardDuty::Detector', id: detectorId, account: event.account }];
    if (event.action === 'guardduty:ArchiveFindings') {
      const archived = items(request(event, 'findingIds')).length;
      if (archived < settings.minArchived) return null;
      return {
        key: `${event.account}:${event.region}:${detectorId}:archive`,
        severity: 'medium',
        title: `${archived} GuardDuty findings archived at once in ${event.region ?? 'an unknown region'} by ${who}`,
        description: `${who} archived ${archived} findings of detector ${detectorId} in one call.`,
        resources,
        context: { detectorId, archived: String(archived) },
      };
    }
    if (text(request(event, 'action'))?.toUpperCase() !== 'ARCHIVE') return null;
    const filter = text(request(event, 'name')) ?? text(request(event, 'filterName')) ?? 'unknown';
    return {
      key: `${event.account}:${event.region}:${detectorId}:${filter}`,
      title: `GuardDuty suppression rule ${filter} ${event.action === 'guardduty:CreateFilter' ? 'created' : 'set to archive'} by ${who}`,
      description: `${who} made filter ${filter} of detector ${detectorId} archive every new finding it matches.`,
      resources,
      context: { detectorId, filter, criteria: JSON.stringify(request(event, 'findingCriteria') ?? null) },
    };
  }),
});
