import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst } from '../burst.js';
import { SES_DISCOVERY_ACTIONS } from '../ses-discovery.js';

export const detection = cloudTrailBurst({
  id: 'ses-enumeration',
  title: 'SES enumerated: sending status, quota and identities',
  description:
    'One principal made at least 3 different SES discovery calls within 30 minutes (sending enabled, send quota, ' +
    'identities, their verification status). Attackers run exactly this check with every stolen access key, to ' +
    'find accounts that can send phishing or spam, or to resell the key. Refused calls count: the probe is the ' +
    'signal. Calls spread over several regions are listed.',
  severity: 'high',
  mitre: ['T1580', 'T1526'],
  tactics: ['discovery'],
  failedCalls: 'counted',
  stratus: ['aws.discovery.ses-enumerate'],
  runbook: 'https://docs.aws.amazon.com/ses/latest/dg/logging-using-cloudtrail.html',
  remediation:
    'Unless the principal manages SES, treat its credentials as stolen: deactivate the access key (`aws iam ' +
    "update-access-key --status Inactive`) or revoke the role's sessions, check whether mail was sent " +
    '(`aws ses get-send-statistics`, SES console → Account dashboard) and whether identities or sending ' +
    'authorizations were added, and review the rest of its activity.',
  actions: [...SES_DISCOVERY_ACTIONS],
  key: (event) => principalLabel(event),
  distinct: (event) => event.action,
  atLeast: 3,
  windowMinutes: 30,
  finding: (burst) => {
    const regions = [...new Set(burst.events.map((event) => event.region ?? 'unknown'))].sort();
    const refused = burst.events.filter((event) => event.errorCode !== null).length;
    return {
      title: `SES enumerated by ${burst.key}: ${burst.values.length} discovery calls within ${burst.windowMinutes} minutes`,
      description:
        `${burst.key} called ${burst.values.join(', ')} in ${regions.join(', ')}` +
        `${refused > 0 ? `; ${refused} call(s) were refused` : ''}.`,
      resources: [],
      context: { actions: burst.values.join(','), regions: regions.join(',') },
    };
  },
});
