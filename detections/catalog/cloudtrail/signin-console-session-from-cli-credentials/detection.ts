import { principalLabel } from '../../../finding.js';
import { isIdentityCenterSession } from '../caller.js';
import { globMatcher } from '../glob.js';
import { response } from '../record.js';
import { cloudTrailRule, sourceAddress } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'signin-console-session-from-cli-credentials',
  title: 'Console session opened from API credentials (GetSigninToken)',
  description:
    'Temporary API credentials were exchanged for a console sign-in token at the federation endpoint ' +
    '(GetSigninToken). The IAM Identity Center portal does this for its users and is left out, as are roles ' +
    'the `allowedRoles` param names (an identity broker); anywhere else it means someone holding keys opened a ' +
    'console session with them, as aws_consoler does, which hides which key was stolen and skips MFA. A ' +
    'federated user (from GetFederationToken, how such tools use an IAM user key) is high.',
  severity: 'medium',
  mitre: ['T1550.001', 'T1021.007'],
  tactics: ['lateral-movement', 'defense-evasion'],
  failedCalls: 'ignored',
  runbook:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-custom-url.html',
  remediation:
    'Find the credentials the session came from (the access key id and session issuer in the finding) and ask ' +
    "their owner. If unexpected: revoke the role's sessions (IAM console → Roles → <role> → Revoke active " +
    "sessions) or disable the user's key, review the console activity of the session in CloudTrail, and deny " +
    'sts:GetFederationToken to IAM users that do not need it.',
  actions: ['signin:GetSigninToken'],
  settings: (read) => ({ allowedRoles: globMatcher(read.strings('allowedRoles', [])) }),
  match: (event, settings) => {
    if (response(event, 'GetSigninToken') === 'Failure' || isIdentityCenterSession(event)) return null;
    const issuer = event.principal?.sessionIssuer ?? '';
    if (issuer !== '' && settings.allowedRoles.test(issuer)) return null;
    const who = principalLabel(event) ?? 'an unknown principal';
    const federated = event.principal?.type === 'FederatedUser';
    return {
      key: `${event.account}:${who}`,
      title: `Console sign-in token issued to ${who} from API credentials`,
      description:
        `${who} (${event.principal?.type ?? 'unknown type'}${issuer ? `, issued by ${issuer}` : ''}) exchanged its ` +
        `temporary credentials for a console session from ${sourceAddress(event)}.`,
      severity: federated ? 'high' : 'medium',
      context: {
        principalType: event.principal?.type ?? '',
        sessionIssuer: issuer,
        accessKeyId: event.principal?.accessKeyId ?? '',
      },
    };
  },
});
