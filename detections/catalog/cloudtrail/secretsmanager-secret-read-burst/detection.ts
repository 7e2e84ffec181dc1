import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst, listed } from '../burst.js';
import { isPersonCall } from '../caller.js';
import { request, succeeded, text } from '../record.js';

export const detection = cloudTrailBurst({
  id: 'secretsmanager-secret-read-burst',
  title: 'Secrets Manager secret reads: burst, probe, or read by a person',
  description:
    'One principal read the values of 10 or more different Secrets Manager secrets within 10 minutes (high), ' +
    'tried to read a secret and was refused (medium: a probe), or is a person (IAM user, root, Identity Center or ' +
    'console session) who read a secret value (low: a ledger of people reading secrets). An application reads ' +
    'the few secrets it needs; reading secret after secret, or probing secrets one may not read, is how stolen ' +
    'credentials are turned into more credentials (database passwords, API keys). One finding per principal, ' +
    'kind and hour, with a count.',
  severity: 'high',
  mitre: ['T1555.006'],
  tactics: ['credential-access'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.SecretsManager.RetrieveSecrets'] },
  stratus: ['aws.credential-access.secretsmanager-retrieve-secrets'],
  runbook: 'https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudtrail.html',
  remediation:
    'Ask the owner of the principal whether the reads were expected. If not: revoke its sessions (IAM console → ' +
    'Roles → <role> → Revoke active sessions, or `aws iam delete-access-key` for a user), rotate every secret ' +
    'in the finding (`aws secretsmanager rotate-secret --secret-id <id>`, then the systems that use them), and ' +
    'scope secretsmanager:GetSecretValue in its policies to the secrets it needs.',
  actions: ['secretsmanager:GetSecretValue'],
  key: (event) => principalLabel(event),
  distinct: (event) => text(request(event, 'secretId')),
  alone: (event) => !succeeded(event) || isPersonCall(event),
  atLeast: 10,
  windowMinutes: 10,
  slim: true,
  finding: (burst) => {
    const who = burst.key;
    const refused = burst.events.filter((event) => !succeeded(event));
    const secrets = listed(burst.values);
    return burst.reached
      ? {
          title: `${burst.values.length} Secrets Manager secrets read by ${who} within ${burst.windowMinutes} minutes`,
          description:
            `${who} read ${burst.values.length} different secrets (${secrets})` +
            `${refused.length > 0 ? `, ${refused.length} of the reads refused` : ''}. Check whether the principal needs them.`,
          context: { secrets: burst.values.join(','), refused: String(refused.length) },
        }
      : refused.length === 0
        ? {
            title: `Secrets Manager secret read by ${who}: ${secrets}`,
            description: `${who}, a person rather than a workload, read the value of ${secrets}.`,
            severity: 'low',
            context: { secrets: burst.values.join(','), refused: '0' },
          }
        : {
            title: `Secrets Manager secret read refused for ${who}: ${secrets}`,
            description:
              `${who} tried to read ${secrets} and AWS refused (${[...new Set(refused.map((e) => e.errorCode))].join(', ')}). ` +
              'Someone is probing secrets this principal may not read.',
            severity: 'medium',
            context: { secrets: burst.values.join(','), refused: String(refused.length) },
          };
  },
});
