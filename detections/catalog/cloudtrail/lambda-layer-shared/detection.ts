import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { principalAccount } from '../policy-document.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** `trustedAccounts`: accounts layers may be shared with (the organisation's own accounts). */
export const DEFAULT_PARAMS = { trustedAccounts: [] as string[] };

export const detection = cloudTrailRule({
  id: 'lambda-layer-shared',
  title: 'Lambda layer version shared outside the account',
  description:
    'A Lambda layer version was shared (AddLayerVersionPermission) with every AWS account (`*`) or with an ' +
    'account outside the trusted list. Anyone granted can download the layer: its code, bundled configuration ' +
    'and any secret baked into it. An attacker with a foothold also shares a malicious layer this way to attach ' +
    'it to functions in other accounts. Sharing limited to an organization is recorded at low severity.',
  severity: 'high',
  mitre: ['T1537', 'T1648'],
  tactics: ['exfiltration', 'persistence'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html',
  remediation:
    'If the layer is not meant to be shared, remove the grant (`aws lambda remove-layer-version-permission ' +
    '--layer-name <layer> --version-number <n> --statement-id <sid>`; check all versions with `aws lambda ' +
    'get-layer-version-policy`), and rotate any credential the layer contains. Share layers with ' +
    '`--organization-id` rather than with `*`.',
  actions: ['lambda:AddLayerVersionPermission'],
  settings: (read) => read.accountIds('trustedAccounts', DEFAULT_PARAMS.trustedAccounts),
  match: (event, trusted) => {
    const principal = text(request(event, 'principal')) ?? 'unknown';
    const organization = text(request(event, 'organizationId'));
    const layer = text(request(event, 'layerName')) ?? 'unknown';
    const version = text(request(event, 'versionNumber')) ?? '';
    const account = principalAccount(principal);
    let severity: Severity;
    let audience: string;
    if (principal === '*' && organization === null) {
      [severity, audience] = ['high', 'every AWS account'];
    } else if (principal === '*') {
      [severity, audience] = ['low', `organization ${organization}`];
    } else if (account !== null && account !== event.account && !trusted.includes(account)) {
      [severity, audience] = ['medium', `account ${account}`];
    } else {
      return null;
    }
    const label = version ? `${layer.replace(/^arn:.*:layer:/, '')}:${version}` : layer;
    const who = actor(event);
    return {
      key: `${event.account}:${label}:${principal}:${organization ?? ''}`,
      title: `Lambda layer ${label} shared with ${audience} by ${who}`,
      description: `${who} allowed ${text(request(event, 'action')) ?? 'lambda:GetLayerVersion'} on layer ${label} for ${audience}: they can download its content.`,
      severity,
      resources: [
        {
          type: 'AWS::Lambda::LayerVersion',
          id: layerVersionArn(event, layer, version),
          account: event.account,
        },
      ],
      context: {
        layer: label,
        principal,
        organizationId: organization ?? '',
        statementId: text(request(event, 'statementId')) ?? '',
      },
    };
  },
});

/** The layer version's ARN; `layerName` may be a name or a layer ARN. */
function layerVersionArn(event: SecurityEvent, layer: string, version: string): string {
  const base = layer.startsWith('arn:')
    ? layer
    : `arn:aws:lambda:${event.region ?? ''}:${event.account ?? ''}:layer:${layer}`;
  return version ? `${base}:${version}` : base;
}
