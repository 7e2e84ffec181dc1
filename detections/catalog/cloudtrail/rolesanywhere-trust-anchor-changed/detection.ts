import { items, request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rolesanywhere-trust-anchor-changed',
  title: 'IAM Roles Anywhere trust anchor or profile created or changed',
  description:
    'An IAM Roles Anywhere trust anchor was created, changed or re-enabled (high), or a profile was created or ' +
    'changed (medium). A trust anchor makes a certificate authority trusted: whoever holds a certificate it ' +
    'signed can get credentials for the roles that trust Roles Anywhere, from anywhere, without any AWS key. ' +
    'An attacker adds their own CA to keep access.',
  severity: 'high',
  mitre: ['T1098', 'T1556'],
  tactics: ['persistence', 'privilege-escalation'],
  failedCalls: 'ignored',
  stratus: ['aws.persistence.rolesanywhere-create-trust-anchor'],
  runbook: 'https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html',
  remediation:
    'Confirm the change with the team that runs Roles Anywhere. If unknown: disable and delete the trust anchor ' +
    '(`aws rolesanywhere disable-trust-anchor --trust-anchor-id <id>`, then `delete-trust-anchor`; IAM console → ' +
    'Roles → Roles Anywhere), delete rogue profiles, and review CreateSession events for the roles that trust ' +
    'rolesanywhere.amazonaws.com.',
  actions: [
    'rolesanywhere:CreateTrustAnchor',
    'rolesanywhere:UpdateTrustAnchor',
    'rolesanywhere:EnableTrustAnchor',
    'rolesanywhere:CreateProfile',
    'rolesanywhere:UpdateProfile',
  ],
  match: (event) => {
    const anchor = event.action.endsWith('TrustAnchor');
    const name =
      text(request(event, 'name')) ??
      text(response(event, anchor ? 'trustAnchor' : 'profile', 'name')) ??
      text(request(event, anchor ? 'trustAnchorId' : 'profileId')) ??
      'unknown';
    const arn =
      text(response(event, 'trustAnchor', 'trustAnchorArn')) ??
      text(response(event, 'profile', 'profileArn'));
    const verb = /Create/.test(event.action)
      ? 'created'
      : /Enable/.test(event.action)
        ? 're-enabled'
        : 'changed';
    const roles = items(request(event, 'roleArns')).flatMap((role) => text(role) ?? []);
    const who = actor(event);
    return {
      key: `${event.account}:${arn ?? name}`,
      title: `IAM Roles Anywhere ${anchor ? 'trust anchor' : 'profile'} ${name} ${verb} by ${who}`,
      description:
        `${who} ${verb} ${anchor ? 'trust anchor' : 'profile'} ${name}` +
        `${roles.length > 0 ? ` for roles ${roles.join(', ')}` : ''} in ${event.region ?? 'an unknown region'}.`,
      severity: anchor ? 'high' : 'medium',
      resources: [
        {
          type: anchor ? 'AWS::RolesAnywhere::TrustAnchor' : 'AWS::RolesAnywhere::Profile',
          id: arn ?? name,
          account: event.account,
        },
      ],
      context: {
        name,
        sourceType: text(request(event, 'source', 'sourceType')) ?? '',
        roleArns: roles.join(','),
      },
    };
  },
});
