import type { Severity } from '../../../../schemas/types.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** What each call does to the account's identity federation, and how much it matters. */
const CHANGES: Record<string, { change: string; severity: Severity }> = {
  'iam:CreateSAMLProvider': { change: 'SAML identity provider created', severity: 'high' },
  'iam:UpdateSAMLProvider': { change: 'SAML identity provider metadata replaced', severity: 'high' },
  'iam:DeleteSAMLProvider': { change: 'SAML identity provider deleted', severity: 'medium' },
  'iam:CreateOpenIDConnectProvider': { change: 'OIDC identity provider created', severity: 'high' },
  'iam:UpdateOpenIDConnectProviderThumbprint': {
    change: 'OIDC provider thumbprint replaced',
    severity: 'high',
  },
  'iam:AddClientIDToOpenIDConnectProvider': {
    change: 'client id added to an OIDC provider',
    severity: 'high',
  },
  'iam:DeleteOpenIDConnectProvider': { change: 'OIDC identity provider deleted', severity: 'medium' },
  'sso-directory:EnableExternalIdPConfigurationForDirectory': {
    change: 'IAM Identity Center external identity provider enabled',
    severity: 'high',
  },
  'sso-directory:DisableExternalIdPConfigurationForDirectory': {
    change: 'IAM Identity Center external identity provider disabled',
    severity: 'high',
  },
  'sso-directory:AssociateDirectory': {
    change: 'IAM Identity Center directory associated',
    severity: 'high',
  },
  'sso-directory:DisassociateDirectory': {
    change: 'IAM Identity Center directory disassociated',
    severity: 'high',
  },
  'sso:AssociateDirectory': { change: 'IAM Identity Center directory associated', severity: 'high' },
  'sso:DisassociateDirectory': { change: 'IAM Identity Center directory disassociated', severity: 'high' },
};

export const detection = cloudTrailRule({
  id: 'iam-identity-provider-changed',
  title: 'Identity federation trust created or changed',
  description:
    'A SAML or OpenID Connect identity provider was created, had its metadata, thumbprint or client ids replaced, ' +
    'or was deleted, or the identity source of IAM Identity Center was changed. Whoever controls a trusted ' +
    "identity provider can sign in as any role that trusts it, without any of the account's passwords or keys: " +
    'an attacker adds or swaps a provider to keep access (high). Deleting a provider locks out the people who ' +
    'sign in through it (medium).',
  severity: 'high',
  mitre: ['T1484.002', 'T1556.007'],
  tactics: ['persistence', 'privilege-escalation', 'defense-evasion'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers.html',
  remediation:
    'Confirm the change with the identity team. If it is not theirs: restore the provider from IaC or delete a ' +
    'rogue one (`aws iam delete-saml-provider --saml-provider-arn <arn>` / `aws iam ' +
    'delete-open-id-connect-provider --open-id-connect-provider-arn <arn>`; IAM console → Identity providers), ' +
    'revert the Identity Center identity source (IAM Identity Center console → Settings → Identity source), ' +
    'revoke sessions of the roles that trust the provider, and review AssumeRoleWithSAML / WebIdentity events.',
  actions: Object.keys(CHANGES),
  match: (event) => {
    const change = CHANGES[event.action];
    if (!change) return null;
    const provider =
      text(request(event, 'sAMLProviderArn')) ??
      text(request(event, 'samlProviderArn')) ??
      text(request(event, 'openIDConnectProviderArn')) ??
      text(response(event, 'sAMLProviderArn')) ??
      text(response(event, 'openIDConnectProviderArn')) ??
      text(request(event, 'name')) ??
      text(request(event, 'url')) ??
      text(request(event, 'directoryId')) ??
      'unknown';
    const who = actor(event);
    return {
      key: `${event.account}:${provider}`,
      title: `${capitalise(change.change)}: ${provider} by ${who}`,
      description: `${who}: ${change.change} (${provider}) in account ${event.account ?? 'unknown'}.`,
      severity: change.severity,
      context: { change: change.change, provider },
    };
  },
});

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
