import type { JsonValue, SecurityEvent, Severity } from '../../../../schemas/types.js';
import { lambdaFunctionOf } from '../lambda-function.js';
import { policyStatements, principalAccount } from '../policy-document.js';
import { at, request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** `trustedAccounts`: other accounts allowed to invoke functions (the organisation's own accounts). */
export const DEFAULT_PARAMS = { trustedAccounts: [] as string[] };

/** Conditions AddPermission can attach that narrow a `*` or service principal to a source. */
const SOURCE_CONDITIONS = ['sourceArn', 'sourceAccount', 'principalOrgID', 'eventSourceToken'] as const;

export const detection = cloudTrailRule({
  id: 'lambda-function-policy-opened',
  title: "Lambda function's resource policy opened",
  description:
    "A statement was added to a Lambda function's resource-based policy (AddPermission). Granting `*` or " +
    'another AWS account without a source condition lets someone outside the account invoke the function ' +
    "(or change its event sources): a backdoor that survives credential rotation and runs with the function's " +
    'role. Grants to AWS services without a source ARN or account are open to confused-deputy abuse (medium); ' +
    'grants within the account or narrowed by a condition are recorded at low severity.',
  severity: 'high',
  mitre: ['T1098', 'T1648'],
  tactics: ['persistence'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.Potential.Backdoor.Lambda'] },
  stratus: ['aws.persistence.lambda-backdoor-function'],
  runbook: 'https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html',
  remediation:
    'Review the statement (Lambda console → Functions → <fn> → Configuration → Permissions → Resource-based ' +
    'policy statements, or `aws lambda get-policy --function-name <fn>`). If it is not expected, remove it ' +
    '(`aws lambda remove-permission --function-name <fn> --statement-id <sid>`), check CloudWatch Logs for ' +
    'invocations from the granted principal, and add `--source-arn` / `--source-account` to grants for AWS ' +
    'services.',
  actions: ['lambda:AddPermission'],
  settings: (read) => read.accountIds('trustedAccounts', DEFAULT_PARAMS.trustedAccounts),
  match: (event, trusted) => {
    const grant = grantOf(event);
    const exposure = exposureOf(grant, event.account, trusted);
    const fn = lambdaFunctionOf(event);
    const who = actor(event);
    const grantee = grant.principal ?? 'an unknown principal';
    return {
      key: `${event.account}:${fn.name}:${grant.statementId ?? grantee}`,
      title: `Lambda function ${fn.name} ${exposure.summary} (${grant.action ?? 'permission'} for ${grantee}) by ${who}`,
      description:
        `${who} added statement ${grant.statementId ?? '(unnamed)'} to the resource policy of Lambda function ` +
        `${fn.name}, allowing ${grant.action ?? 'an action'} for ${grantee}` +
        (grant.conditions.length > 0 ? ` when ${grant.conditions.join(', ')}` : ' with no source condition') +
        `. ${exposure.why}`,
      severity: exposure.severity,
      resources: [fn.resource],
      context: {
        functionName: fn.name,
        statementId: grant.statementId ?? '',
        principal: grant.principal ?? '',
        action: grant.action ?? '',
        conditions: grant.conditions.join(','),
        exposure: exposure.kind,
      },
    };
  },
});

interface Grant {
  principal: string | null;
  action: string | null;
  statementId: string | null;
  /** Source conditions, as `name=value`. */
  conditions: string[];
}

/**
 * The grant from the request. A record trimmed to the function name falls back to the response's statement,
 * whose source conditions (`AWS:SourceArn`, `AWS:SourceAccount`, `aws:PrincipalOrgID`) then count.
 */
function grantOf(event: SecurityEvent): Grant {
  const statement = policyStatements(`{"Statement":[${text(response(event, 'statement')) ?? ''}]}`)[0];
  const statementPrincipal = at(statement, 'Principal');
  const requested = text(request(event, 'principal'));
  const conditions = SOURCE_CONDITIONS.flatMap((name) => {
    const value = text(request(event, name));
    return value === null ? [] : [`${name}=${value}`];
  });
  return {
    principal:
      requested ??
      text(statementPrincipal) ??
      text(at(statementPrincipal, 'AWS')) ??
      text(at(statementPrincipal, 'Service')),
    action: text(request(event, 'action')) ?? text(at(statement, 'Action')),
    statementId: text(request(event, 'statementId')) ?? text(at(statement, 'Sid')),
    conditions: requested === null ? statementSourceConditions(at(statement, 'Condition')) : conditions,
  };
}

/** `{"ArnLike":{"AWS:SourceArn":"arn:..."}}` → `['AWS:SourceArn=arn:...']`; other condition keys are left out. */
function statementSourceConditions(condition: JsonValue | undefined): string[] {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return [];
  return Object.values(condition).flatMap((operator) =>
    operator !== null && typeof operator === 'object' && !Array.isArray(operator)
      ? Object.entries(operator)
          .filter(([key]) => /^aws:(SourceArn|SourceAccount|PrincipalOrgID)$/i.test(key))
          .map(([key, value]) => `${key}=${text(value) ?? JSON.stringify(value)}`)
      : [],
  );
}

interface Exposure {
  kind: 'public' | 'cross-account' | 'service-without-source' | 'internal';
  severity: Severity;
  summary: string;
  why: string;
}

function exposureOf(grant: Grant, ownAccount: string | null, trusted: readonly string[]): Exposure {
  const principal = grant.principal ?? '';
  const conditioned = grant.conditions.length > 0;
  if (principal === '*' && !conditioned) {
    return {
      kind: 'public',
      severity: 'high',
      summary: 'opened to everyone',
      why: 'Any AWS account (or, for a function URL, anyone on the internet) can now use it.',
    };
  }
  const account = principalAccount(principal);
  if (account !== null && account !== ownAccount && !trusted.includes(account)) {
    return {
      kind: 'cross-account',
      severity: conditioned ? 'medium' : 'high',
      summary: `opened to account ${account}`,
      why: `Account ${account} is not one of the trusted accounts: it can now use the function from outside.`,
    };
  }
  if (principal.endsWith('.amazonaws.com') && !conditioned) {
    return {
      kind: 'service-without-source',
      severity: 'medium',
      summary: `opened to ${principal} without a source`,
      why: `Without a source ARN or account, any ${principal} resource in any account can trigger it.`,
    };
  }
  return {
    kind: 'internal',
    severity: 'low',
    summary: 'permission added',
    why: 'The grantee is the account itself or a trusted account, or the grant is narrowed to a source.',
  };
}
