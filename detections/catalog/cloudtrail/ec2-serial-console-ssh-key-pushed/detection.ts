import { request, succeeded, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';
import { sshPublicKey } from '../ssh-public-key.js';

export const detection = cloudTrailRule({
  id: 'ec2-serial-console-ssh-key-pushed',
  title: 'SSH key pushed to an instance serial console',
  description:
    "An SSH key was pushed to an instance's serial console (SendSerialConsoleSSHPublicKey). The serial console " +
    'gives a login prompt out of band: no security group, network ACL or SSH daemon stands in the way, and it ' +
    'works on instances without network access. It is a break-glass tool; any use outside an incident is ' +
    'suspicious, and a refused attempt is reported too (medium).',
  severity: 'high',
  mitre: ['T1021.004', 'T1098.004'],
  tactics: ['lateral-movement', 'persistence'],
  failedCalls: 'counted',
  stratus: ['aws.lateral-movement.ec2-serial-console-send-ssh-public-key'],
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-serial-console.html',
  remediation:
    'Confirm it was a break-glass session. If not: disable serial console access for the account ' +
    '(`aws ec2 disable-serial-console-access`, or EC2 console → Settings → EC2 Serial Console), revoke the ' +
    "principal's credentials, check the instance for local logins, and deny " +
    'ec2-instance-connect:SendSerialConsoleSSHPublicKey outside a break-glass role.',
  actions: ['ec2-instance-connect:SendSerialConsoleSSHPublicKey'],
  match: (event) => {
    const instance = text(request(event, 'instanceId')) ?? 'unknown';
    const port = text(request(event, 'serialPort')) ?? '0';
    const key = sshPublicKey(text(request(event, 'sSHPublicKey')));
    const who = actor(event);
    return {
      key: `${event.account}:${who}:${instance}`,
      title: `SSH key pushed to the serial console of ${instance} by ${who}`,
      description:
        `${who} pushed ${key?.fingerprint ? `key ${key.fingerprint}` : 'an SSH key'} to serial port ${port} of ` +
        `${instance}: it can open a console session on the instance, bypassing the network.`,
      severity: succeeded(event) ? 'high' : 'medium',
      resources: [{ type: 'AWS::EC2::Instance', id: instance, account: event.account }],
      context: {
        instanceId: instance,
        serialPort: port,
        keyType: key?.type ?? '',
        keyFingerprint: key?.fingerprint ?? '',
      },
    };
  },
});
