import { hours } from '../../../operators/index.js';
import { actor, cloudTrailRule, sourceAddress } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'sts-session-token-by-iam-user',
  title: 'Session token minted from a long-term key',
  description:
    'An IAM user (low) or the root user (high) called GetSessionToken, turning a long-term access key into ' +
    'temporary credentials. MFA wrappers of the CLI do this daily; an attacker with a leaked key does it too, ' +
    'because the session keeps working after the key is disabled and its calls no longer show the key itself. ' +
    'One finding per identity and hour.',
  severity: 'low',
  mitre: ['T1550.001', 'T1078.004'],
  tactics: ['defense-evasion', 'persistence'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.STS.GetSessionToken.Misuse'] },
  runbook: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html',
  remediation:
    'Check that the user normally mints session tokens (an MFA CLI helper) and that the source address is theirs. ' +
    "If not: deactivate the user's access key (`aws iam update-access-key --status Inactive ...`) and attach a " +
    'policy denying "*" when `aws:TokenIssueTime` is before now to end the sessions already issued; root should ' +
    'have no access key at all.',
  actions: ['sts:GetSessionToken'],
  dedupPeriodMs: hours(1),
  match: (event) => {
    const type = event.principal?.type;
    if (type !== 'IAMUser' && type !== 'Root') return null;
    const who = actor(event);
    const root = type === 'Root';
    return {
      key: `${event.account}:${who}`,
      title: `Session token minted by ${root ? 'the root user' : who} from ${sourceAddress(event)}`,
      description: `${who} exchanged access key ${event.principal?.accessKeyId ?? 'unknown'} for temporary session credentials.`,
      severity: root ? 'high' : 'low',
      context: { accessKeyId: event.principal?.accessKeyId ?? '' },
    };
  },
});
