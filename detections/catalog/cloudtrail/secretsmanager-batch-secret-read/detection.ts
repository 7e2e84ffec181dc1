import type { JsonValue, Severity } from '../../../../schemas/types.js';
import { hours } from '../../../operators/index.js';
import { at, items, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'secretsmanager-batch-secret-read',
  title: 'Secrets Manager secrets read in a batch',
  description:
    'A principal read many secret values in one BatchGetSecretValue call (up to 20 per call). Attackers use it to ' +
    'dump secrets in few calls; a filter that only excludes (`!value`) selects every secret and is reported high, ' +
    'a filter or a list of 5 or more secrets medium, a short explicit list low. Refused calls count: someone ' +
    'tried to dump secrets.',
  severity: 'medium',
  mitre: ['T1555.006'],
  tactics: ['credential-access'],
  failedCalls: 'counted',
  panther: {
    rules: ['AWS.SecretsManager.BatchRetrieveSecretsCatchAll', 'AWS.SecretsManager.BatchRetrieveSecrets'],
    differences: [
      {
        rule: 'AWS.SecretsManager.BatchRetrieveSecretsCatchAll',
        test: 'BatchGetSecretValue Catch-All',
        reason:
          'The test log has no eventTime: it cannot be placed in event time and is dead-lettered, so nothing fires.',
      },
    ],
  },
  stratus: ['aws.credential-access.secretsmanager-batch-retrieve-secrets'],
  runbook: 'https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets.html',
  remediation:
    'Confirm with the owner of the principal that it needs batch reads. If not: revoke its sessions or keys, rotate ' +
    'the secrets it could read (`aws secretsmanager rotate-secret --secret-id <id>`), and remove ' +
    'secretsmanager:BatchGetSecretValue (and broad GetSecretValue) from its policies (IAM console → <principal> → ' +
    'Permissions).',
  actions: ['secretsmanager:BatchGetSecretValue'],
  dedupPeriodMs: hours(1),
  match: (event) => {
    const ids = items(request(event, 'secretIdList')).flatMap((id) => text(id) ?? []);
    const filters = items(request(event, 'filters'));
    const catchAll = filters.length > 0 && filters.every(onlyExcludes);
    const severity: Severity = catchAll ? 'high' : filters.length > 0 || ids.length >= 5 ? 'medium' : 'low';
    const selection = catchAll
      ? 'every secret (a filter that only excludes)'
      : filters.length > 0
        ? `the secrets matching ${filters.map(describeFilter).join(' and ')}`
        : `${ids.length} listed secrets`;
    const who = actor(event);
    const kind = catchAll ? 'catch-all' : filters.length > 0 ? 'filter' : 'list';
    return {
      key: `${event.account}:${who}:${kind}`,
      title: `Secrets Manager batch read of ${selection} by ${who}`,
      description: `${who} called BatchGetSecretValue for ${selection} in ${event.region ?? 'an unknown region'}.`,
      severity,
      context: {
        selection: kind,
        secretIds: ids.join(','),
        filters: filters.map(describeFilter).join(';'),
      },
    };
  },
});

function filterValues(filter: JsonValue): string[] {
  return items(at(filter, 'values')).flatMap((value) => text(value) ?? []);
}

/** A filter whose every value is a negation (`!tag`) matches everything that lacks it: in practice all. */
function onlyExcludes(filter: JsonValue): boolean {
  const values = filterValues(filter);
  return values.length > 0 && values.every((value) => value.startsWith('!'));
}

function describeFilter(filter: JsonValue): string {
  return `${text(at(filter, 'key')) ?? '?'}=${filterValues(filter).join('|')}`;
}
