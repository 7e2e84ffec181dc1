import { hours } from '../../../operators/index.js';
import { items, request } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';
import { SES_DISCOVERY_ACTIONS } from '../ses-discovery.js';

export const detection = cloudTrailRule({
  id: 'ses-discovery-call',
  title: 'SES sending capacity or identities looked up',
  description:
    'A principal asked SES whether the account can send mail, how much, or from which verified identities ' +
    '(GetAccountSendingEnabled, GetSendQuota, ListIdentities, GetIdentityVerificationAttributes...). Opening the ' +
    'SES console does the same, so one call is recorded at info severity as context; several in a row by one ' +
    'principal are reported by ses-enumeration. Refused calls count.',
  severity: 'info',
  mitre: ['T1580'],
  tactics: ['discovery'],
  failedCalls: 'counted',
  panther: {
    rules: [
      'AWS.CloudTrail.SES.CheckSESSendingEnabled',
      'AWS.CloudTrail.SES.CheckSendQuota',
      'AWS.CloudTrail.SES.ListIdentities',
      'AWS.CloudTrail.SES.CheckIdentityVerifications',
    ],
  },
  runbook: 'https://docs.aws.amazon.com/ses/latest/dg/logging-using-cloudtrail.html',
  remediation:
    'Nothing to do for a known administrator. From an unexpected principal (an access key that never used SES, ' +
    "an instance role), check the principal's other recent calls and whether mail was sent (`aws ses " +
    'get-send-statistics`); deactivate the key if it is not theirs.',
  actions: [...SES_DISCOVERY_ACTIONS],
  dedupPeriodMs: hours(1),
  match: (event) => {
    const who = actor(event);
    const identities = items(request(event, 'identities')).length;
    return {
      key: `${event.account}:${who}:${event.action}`,
      title: `SES ${event.action.slice('ses:'.length)} called by ${who}`,
      description:
        `${who} called ${event.action} in ${event.region ?? 'an unknown region'}` +
        (identities > 0 ? ` for ${identities} identities.` : '.'),
      resources: [],
      context: { identitiesQueried: String(identities) },
    };
  },
});
