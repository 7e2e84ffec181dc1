import type { SecurityEvent } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { isFalse } from '../flag.js';
import { nameMatcher } from '../name-matcher.js';
import { items, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = {
  securityAlarms: [
    '*cloudtrail*',
    '*root*',
    '*unauthori*',
    '*console*',
    '*iam*',
    '*security*',
    '*cis*',
    '*guardduty*',
    '*mfa*',
  ],
};

export const detection = cloudTrailRule({
  id: 'cloudwatch-alarms-disabled',
  title: 'CloudWatch alarms deleted or silenced',
  description:
    'CloudWatch alarms were deleted, their actions disabled, or an alarm re-created with actions off: nobody is ' +
    'notified when it fires. High for security alarms (CIS-style alarms on root use, unauthorized calls, console ' +
    'sign-in without MFA, CloudTrail or IAM changes; names matched by `securityAlarms`), medium otherwise. A call ' +
    'refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html',
  remediation:
    'Re-enable the actions (`aws cloudwatch enable-alarm-actions --alarm-names <names>`, CloudWatch console → ' +
    'Alarms → Actions → Enable actions) or recreate deleted alarms from IaC, then check what they would have ' +
    'reported while silent (their metrics are kept).',
  actions: ['monitoring:DeleteAlarms', 'monitoring:DisableAlarmActions', 'monitoring:PutMetricAlarm'],
  settings: (read) => ({
    isSecurityAlarm: nameMatcher(read.strings('securityAlarms', DEFAULT_PARAMS.securityAlarms)),
  }),
  match: successOrDenied((event, settings: { isSecurityAlarm: (name: string | null) => boolean }) => {
    const silenced = silencedAlarms(event);
    if (silenced === null) return null;
    const security = silenced.names.filter(settings.isSecurityAlarm);
    const label = silenced.names.length > 0 ? silenced.names.join(', ') : 'unknown alarms';
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${label}`,
      severity: security.length > 0 ? 'high' : 'medium',
      title: `CloudWatch alarm(s) ${label} ${silenced.what} by ${who}`,
      description: `${who} called ${event.action} in ${event.region ?? 'an unknown region'}: alarm(s) ${label} ${silenced.what}; nobody is told when they fire.`,
      resources: silenced.names.map((name) => ({
        type: 'AWS::CloudWatch::Alarm',
        id: name,
        account: event.account,
      })),
      context: { alarms: label, securityAlarms: security.join(', ') },
    };
  }),
});

function silencedAlarms(event: SecurityEvent): { names: string[]; what: string } | null {
  if (event.action === 'monitoring:PutMetricAlarm') {
    const name = text(request(event, 'alarmName'));
    return isFalse(request(event, 'actionsEnabled'))
      ? { names: name === null ? [] : [name], what: 'saved with actions off' }
      : null;
  }
  const names = items(request(event, 'alarmNames'))
    .map(text)
    .filter((name): name is string => name !== null);
  return { names, what: event.action === 'monitoring:DeleteAlarms' ? 'deleted' : 'actions disabled' };
}
