import type { SecurityEvent } from '../../../../schemas/types.js';
import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst, listed, refusedCount } from '../burst.js';
import { isPersonCall } from '../caller.js';
import { items, request, succeeded, text } from '../record.js';

export const detection = cloudTrailBurst({
  id: 'ssm-parameter-decrypt-burst',
  title: 'Decrypted SSM SecureString parameter reads: burst, probe, or read by a person',
  description:
    'One principal read and decrypted 20 or more different Systems Manager parameters within 10 minutes ' +
    '(GetParameter, GetParameters, GetParametersByPath with decryption) or every parameter under `/` at once ' +
    '(high), was refused a decrypted read (medium: a probe), or is a person (IAM user, root, Identity Center or ' +
    'console session) who decrypted parameters (low: a ledger of people reading secrets). SecureString ' +
    'parameters hold passwords and keys; an application reads the few it needs at start, an attacker reads them ' +
    'all. Reads without decryption are left out. One finding per principal, kind and hour, with a count.',
  severity: 'high',
  mitre: ['T1555.006', 'T1552'],
  tactics: ['credential-access'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.SSM.DecryptSSMParams'] },
  stratus: ['aws.credential-access.ssm-retrieve-securestring-parameters'],
  runbook: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html',
  remediation:
    'Ask the owner of the principal whether it needs these parameters. If not: revoke its sessions or keys, rotate ' +
    'the secrets the parameters hold (`aws ssm put-parameter --name <name> --type SecureString --overwrite ' +
    '--value <new>`, then the systems that use them), and scope ssm:GetParameter* and kms:Decrypt in its policies ' +
    'to the parameter paths it needs (IAM console → <principal> → Permissions).',
  actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:GetParameterHistory'],
  include: decrypts,
  key: (event) => principalLabel(event),
  distinct: parametersRead,
  alone: (event) => !succeeded(event) || dumpsEverything(event) || isPersonCall(event),
  atLeast: 20,
  windowMinutes: 10,
  slim: true,
  finding: (burst) => {
    const who = burst.key;
    const refused = refusedCount(burst);
    const dump = burst.values.includes(ROOT_DUMP);
    const names = listed(burst.values);
    const context = { parameters: burst.values.join(','), refused: String(refused), rootDump: String(dump) };
    if (burst.reached || dump) {
      return {
        title: dump
          ? `Every SSM parameter read and decrypted by ${who} (GetParametersByPath / recursive)`
          : `${burst.values.length} SSM parameters decrypted by ${who} within ${burst.windowMinutes} minutes`,
        description: `${who} read with decryption ${names}${refused > 0 ? ` (${refused} refused)` : ''}.`,
        context,
      };
    }
    return refused > 0
      ? {
          title: `Decrypted SSM parameter read refused for ${who}: ${names}`,
          description: `${who} tried to read and decrypt ${names}, and AWS refused: someone is probing secrets this principal may not read.`,
          severity: 'medium',
          context,
        }
      : {
          title: `SSM SecureString parameters decrypted by ${who}: ${names}`,
          description: `${who}, a person rather than a workload, read and decrypted ${names}.`,
          severity: 'low',
          context,
        };
  },
});

/** CloudTrail writes `withDecryption` as a boolean; exports that flatten records write it as text. */
function decrypts(event: SecurityEvent): boolean {
  const flag = request(event, 'withDecryption');
  return flag === true || flag === 'true';
}

/** The parameters a call names: `name`, `names[]`, or a path read as `<path>/*` (recursively `<path>/**`). */
function parametersRead(event: SecurityEvent): string[] {
  const path = text(request(event, 'path'));
  if (path !== null) return [`${path.replace(/\/$/, '')}/${isRecursive(event) ? '**' : '*'}`];
  const name = text(request(event, 'name'));
  const names = items(request(event, 'names')).flatMap((entry) => text(entry) ?? []);
  return name === null ? names : [name, ...names];
}

function isRecursive(event: SecurityEvent): boolean {
  const flag = request(event, 'recursive');
  return flag === true || flag === 'true';
}

/** The value parametersRead gives GetParametersByPath on `/` with recursion. */
const ROOT_DUMP = '/**';

/** GetParametersByPath on `/` with recursion and decryption returns every parameter of the region. */
function dumpsEverything(event: SecurityEvent): boolean {
  return (
    event.action === 'ssm:GetParametersByPath' && text(request(event, 'path')) === '/' && isRecursive(event)
  );
}
