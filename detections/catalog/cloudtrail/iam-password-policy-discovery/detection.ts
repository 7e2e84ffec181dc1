import { hours } from '../../../operators/index.js';
import { isAwsServiceCall } from '../caller.js';
import { field } from '../record.js';
import { actor, cloudTrailRule, sourceAddress } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'iam-password-policy-discovery',
  title: 'Account password policy read',
  description:
    'A person or program read the account password policy (GetAccountPasswordPolicy): what length and characters ' +
    'passwords need, whether they expire. Attackers read it to shape a password-spraying list; the IAM console ' +
    'reads it too, hence low. Refused reads count. Service events are left out. One finding per identity and hour.',
  severity: 'low',
  mitre: ['T1201'],
  tactics: ['discovery'],
  failedCalls: 'counted',
  dedupPeriodMs: hours(1),
  panther: { rules: ['AWS.CloudTrail.Password.Policy.Discovery'] },
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
  remediation:
    'Nothing to fix by itself. If the reader is unexpected (a workload role, an unknown address), look at what ' +
    'else it did in the hour (failed ConsoleLogin from the same address = spraying), and keep the password ' +
    'policy strong with MFA required, so knowing it helps little.',
  actions: ['iam:GetAccountPasswordPolicy'],
  match: (event) => {
    if (field(event, 'eventType') === 'AwsServiceEvent' || isAwsServiceCall(event)) return null;
    const who = actor(event);
    return {
      key: `${event.account}:${who}`,
      title: `Account password policy read by ${who}`,
      description: `${who} read the password policy of account ${event.account ?? 'unknown'} from ${sourceAddress(event)}.`,
    };
  },
});
