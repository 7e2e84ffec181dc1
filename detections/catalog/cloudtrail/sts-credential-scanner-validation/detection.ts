import { hours } from '../../../operators/index.js';
import { globMatcher } from '../glob.js';
import { actor, cloudTrailRule, sourceAddress } from '../rule.js';

export const DEFAULT_SCANNER_USER_AGENTS = ['*trufflehog*'];

export const detection = cloudTrailRule({
  id: 'sts-credential-scanner-validation',
  title: 'Credentials checked by a secret scanner',
  description:
    'GetCallerIdentity was called with these credentials by a secret-scanning tool (user agent matching the ' +
    '`scannerUserAgents` param, case-insensitive; default TruffleHog). Scanners verify keys they find in code, ' +
    'images and paste sites: the key has leaked, and attackers run the same tools to sort live keys from dead ' +
    'ones. Refused calls count (the key was found even if it is disabled). One finding per key and hour.',
  severity: 'high',
  mitre: ['T1552.001', 'T1087.004'],
  tactics: ['credential-access', 'discovery'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.STS.GetCallerIdentity.TruffleHog'] },
  runbook:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console',
  remediation:
    'Treat the key as leaked unless your own security team ran the scan: deactivate and rotate it (`aws iam ' +
    'update-access-key --access-key-id <key> --status Inactive --user-name <user>`; IAM console → Users → <user> ' +
    '→ Security credentials), find where it was published (code, images, CI logs), and review its CloudTrail ' +
    'activity since it was created.',
  actions: ['sts:GetCallerIdentity'],
  dedupPeriodMs: hours(1),
  settings: (read) => ({
    scanners: globMatcher(
      read.strings('scannerUserAgents', DEFAULT_SCANNER_USER_AGENTS).map((g) => g.toLowerCase()),
    ),
  }),
  match: (event, settings) => {
    const agent = event.userAgent ?? '';
    if (!settings.scanners.test(agent.toLowerCase())) return null;
    const who = actor(event);
    const key = event.principal?.accessKeyId ?? who;
    return {
      key: `${event.account}:${key}`,
      title: `Credentials of ${who} checked by a secret scanner (${agent}) from ${sourceAddress(event)}`,
      description: `A ${agent} client called GetCallerIdentity with access key ${event.principal?.accessKeyId ?? 'unknown'} of ${who}: the key has been found outside.`,
      context: { accessKeyId: event.principal?.accessKeyId ?? '' },
    };
  },
});
