import { actsOnOwnUser, targetUserName } from '../iam-target-user.js';
import { request } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'iam-login-profile-changed-for-another-user',
  title: 'Console password set for another IAM user',
  description:
    'A principal created a console password (login profile) for another IAM user, or changed theirs. Whoever sets ' +
    'the password can sign in to the console as that user: a programmatic user gains a console door, or an ' +
    'existing user is taken over. Users change their own password with ChangePassword, which is not reported.',
  severity: 'high',
  mitre: ['T1098.001', 'T1098'],
  tactics: ['persistence', 'privilege-escalation'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.CloudTrail.LoginProfileCreatedOrModified', 'AWS.User.Login.Profile.Modified'] },
  stratus: [
    'aws.persistence.iam-create-user-login-profile',
    'aws.privilege-escalation.iam-update-user-login-profile',
  ],
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html',
  remediation:
    'Ask the user whether they asked for it. If not: remove console access (`aws iam delete-login-profile ' +
    '--user-name <user>`, IAM console → Users → <user> → Security credentials → Manage console access → ' +
    'Disable), check CloudTrail for ConsoleLogin as that user since the change, require MFA for the user, and ' +
    'investigate the credentials of the principal that made the change.',
  actions: ['iam:CreateLoginProfile', 'iam:UpdateLoginProfile'],
  match: (event) => {
    if (actsOnOwnUser(event)) return null;
    const user = targetUserName(event) ?? 'unknown';
    const created = event.action === 'iam:CreateLoginProfile';
    const resetRequired = request(event, 'passwordResetRequired') === true;
    const who = actor(event);
    return {
      key: `${event.account}:${user}`,
      title: `Console password ${created ? 'created' : 'changed'} for IAM user ${user} by ${who}`,
      description:
        `${who} ${created ? 'gave' : 'changed'} the console password of ${user}` +
        `${resetRequired ? ' (with a reset required at next sign-in)' : ''}; the caller knows it and can sign in as ${user}.`,
      resources: [{ type: 'AWS::IAM::User', id: user, account: event.account }],
      context: { userName: user, passwordResetRequired: String(resetRequired) },
    };
  },
});
