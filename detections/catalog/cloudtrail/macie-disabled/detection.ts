import type { SecurityEvent } from '../../../../schemas/types.js';
import { type Change, changeMatch, regionalId } from '../change-match.js';
import { successOrDenied } from '../denied-attempts.js';
import { request, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'macie-disabled',
  title: 'Macie disabled, paused, or its findings auto-archived',
  description:
    'Amazon Macie was disabled (its findings and settings are deleted) or paused (high), a findings filter set to ' +
    'archive what it matches (medium: a suppression rule), or a sensitive-data discovery job cancelled (low): ' +
    'sensitive data an attacker reads or moves is no longer found and reported. A call refused for lack of ' +
    'permission counts.',
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.Macie.Evasion'] },
  runbook: 'https://docs.aws.amazon.com/macie/latest/user/macie-suspend-disable.html',
  remediation:
    'Enable Macie again (`aws macie2 enable-macie`, or `aws macie2 update-macie-session --status ENABLED` for a ' +
    'paused account; Macie console → Settings), delete suppressing filters (`aws macie2 delete-findings-filter`) ' +
    'and unarchive the findings they hid, and recreate cancelled discovery jobs. Manage Macie from the delegated ' +
    'administrator and deny macie2:DisableMacie in member accounts with an SCP.',
  actions: [
    'macie2:DisableMacie',
    'macie2:UpdateMacieSession',
    'macie2:CreateFindingsFilter',
    'macie2:UpdateFindingsFilter',
    'macie2:UpdateClassificationJob',
  ],
  match: successOrDenied((event) => changeMatch(event, changeOf(event))),
});

function changeOf(event: SecurityEvent): Change | null {
  const on = {
    subject: `Macie in ${event.region ?? 'an unknown region'}`,
    resource: { type: 'AWS::Macie::Session', id: regionalId(event) },
  };
  switch (event.action) {
    case 'macie2:DisableMacie':
      return { ...on, severity: 'high', what: 'Macie disabled' };
    case 'macie2:UpdateMacieSession':
      return text(request(event, 'status')) === 'PAUSED'
        ? { ...on, severity: 'high', what: 'Macie paused' }
        : null;
    case 'macie2:UpdateClassificationJob':
      return text(request(event, 'jobStatus')) === 'CANCELLED'
        ? {
            ...on,
            severity: 'low',
            what: `discovery job ${text(request(event, 'jobId')) ?? 'unknown'} cancelled`,
          }
        : null;
    default: {
      if (text(request(event, 'action')) !== 'ARCHIVE') return null;
      const filter = text(request(event, 'name')) ?? text(request(event, 'id')) ?? 'unknown';
      return { ...on, severity: 'medium', what: `findings filter ${filter} archives what it matches` };
    }
  }
}
