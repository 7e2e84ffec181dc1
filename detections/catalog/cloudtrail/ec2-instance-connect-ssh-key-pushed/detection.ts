import { hours } from '../../../operators/index.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';
import { sshPublicKey } from '../ssh-public-key.js';

export const detection = cloudTrailRule({
  id: 'ec2-instance-connect-ssh-key-pushed',
  title: 'SSH key pushed to an instance with EC2 Instance Connect',
  description:
    'An SSH public key was pushed to an instance with EC2 Instance Connect (SendSSHPublicKey): for 60 seconds, ' +
    'whoever holds the private key can log in as the given OS user. Routine for teams that use Instance Connect, ' +
    'so it is recorded at low severity with the key fingerprint, to match with the instance auth log; pushes to ' +
    'several instances are reported by ec2-instance-connect-multiple-instances.',
  severity: 'low',
  mitre: ['T1021.004', 'T1098.004'],
  tactics: ['lateral-movement'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.EC2.MultiInstanceConnect'] },
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-connect-methods.html',
  remediation:
    'Check with the principal that the login was theirs; the instance auth log (`/var/log/secure` or ' +
    '`journalctl -u sshd`) shows the session with the same key fingerprint. If not expected, revoke the ' +
    "principal's sessions or keys, and limit ec2-instance-connect:SendSSHPublicKey with the `ec2:osuser` " +
    'condition and resource tags.',
  actions: ['ec2-instance-connect:SendSSHPublicKey'],
  dedupPeriodMs: hours(1),
  match: (event) => {
    const instance = text(request(event, 'instanceId')) ?? 'unknown';
    const osUser = text(request(event, 'instanceOSUser')) ?? 'unknown';
    const key = sshPublicKey(text(request(event, 'sSHPublicKey')));
    const who = actor(event);
    return {
      key: `${event.account}:${who}:${instance}:${osUser}`,
      title: `SSH key pushed to ${instance} for OS user ${osUser} by ${who}`,
      description:
        `${who} pushed ${key ? `${key.type} key ${key.fingerprint ?? '(fingerprint unreadable)'}` : 'an SSH key'} ` +
        `to ${instance} with EC2 Instance Connect: it can log in as ${osUser} for the next 60 seconds.`,
      resources: [{ type: 'AWS::EC2::Instance', id: instance, account: event.account }],
      context: {
        instanceId: instance,
        osUser,
        keyType: key?.type ?? '',
        keyFingerprint: key?.fingerprint ?? '',
      },
    };
  },
});
