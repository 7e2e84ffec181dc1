import { hours } from '../../../operators/index.js';
import { actor, cloudTrailRule } from '../rule.js';

/** IAM calls that change nothing. */
const READ_ONLY = /^iam:(?:Get|List|Generate|Simulate|Describe)/;

export const detection = cloudTrailRule({
  id: 'iam-configuration-changed',
  title: 'IAM configuration changed',
  description:
    'Any successful change to IAM (users, roles, groups, policies, keys, providers...). An inventory for the log ' +
    'tier: one finding per account and hour, whose count says how often IAM changes, as context for the ' +
    'sharper IAM detections. Refused calls changed nothing and are left out.',
  severity: 'info',
  mitre: ['T1098'],
  tactics: ['persistence'],
  failedCalls: 'ignored',
  // Not longer: a roll-up must fit in the consumer's checkpoint horizon (1 hour by default) to survive a failover.
  dedupPeriodMs: hours(1),
  panther: { rules: ['AWS.CloudTrail.IAMAnythingChanged', 'AWS.IAM.PolicyModified'] },
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html',
  remediation:
    'Nothing to do by itself. When the count jumps, look at the IAM changes of the period in CloudTrail (Event ' +
    'history → Event source iam.amazonaws.com) and check them against the change requests; make IAM changes ' +
    'through infrastructure as code so they are reviewed.',
  actions: '*',
  rawContains: ['iam.amazonaws.com'],
  match: (event) => {
    if (!event.action.startsWith('iam:') || READ_ONLY.test(event.action)) return null;
    const account = event.account ?? 'unknown';
    const who = actor(event);
    return {
      key: account,
      title: `IAM changed in account ${account}: ${event.action.slice(4)} by ${who}`,
      description: `${who} called ${event.action}; later IAM changes in the same hour are counted here.`,
    };
  },
});
