import { globMatcher } from '../glob.js';
import { instanceSessionOf } from '../instance-session.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/**
 * `suspiciousNames`: key names (globs, case-insensitive) reused by attackers across unrelated compromised
 * accounts (`xg1`, `temp_key_pair`, from Datadog Security Labs' field reports).
 */
export const DEFAULT_PARAMS = { suspiciousNames: ['xg1', 'temp_key_pair'] };

export const detection = cloudTrailRule({
  id: 'ec2-key-pair-created',
  title: 'EC2 key pair created or imported',
  description:
    'An EC2 key pair was created or imported. Attackers plant their own key pair to launch or reach instances ' +
    'later without the credentials they came in with. A name on the known-bad list (high-confidence indicator), ' +
    "or a key created with an EC2 instance's role credentials, is high severity; other key pairs are recorded at " +
    'low severity as inventory.',
  severity: 'low',
  mitre: ['T1098.001', 'T1098.004'],
  tactics: ['persistence'],
  failedCalls: 'ignored',
  stratus: ['aws.persistence.ec2-create-suspicious-keypair'],
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-key-pairs.html',
  remediation:
    'Ask the creator what the key pair is for. If unknown, delete it (`aws ec2 delete-key-pair --key-name ' +
    '<name>`, or EC2 console → Network & Security → Key Pairs), list instances launched with it (`aws ec2 ' +
    'describe-instances --filters Name=key-name,Values=<name>`), and check who holds the private key.',
  actions: ['ec2:CreateKeyPair', 'ec2:ImportKeyPair'],
  settings: (read) =>
    globMatcher(read.strings('suspiciousNames', DEFAULT_PARAMS.suspiciousNames).map((g) => g.toLowerCase())),
  match: (event, suspicious) => {
    const name = text(request(event, 'keyName')) ?? text(response(event, 'keyName')) ?? 'unknown';
    const knownBad = suspicious.test(name.toLowerCase());
    const instance = instanceSessionOf(event);
    const imported = event.action === 'ec2:ImportKeyPair';
    const who = actor(event);
    const reasons = [
      ...(knownBad ? [`its name ${name} is on the list of attacker key names (suspiciousNames)`] : []),
      ...(instance ? [`it was made with the role credentials of instance ${instance}`] : []),
    ];
    return {
      key: `${event.account}:${event.region}:${name}`,
      title: `EC2 key pair ${name} ${imported ? 'imported' : 'created'} by ${who}`,
      description:
        `${who} ${imported ? 'imported' : 'created'} key pair ${name} in ${event.region ?? 'an unknown region'}` +
        (reasons.length > 0 ? `; ${reasons.join(', and ')}.` : '.'),
      severity: reasons.length > 0 ? 'high' : 'low',
      resources: [
        {
          type: 'AWS::EC2::KeyPair',
          id: text(response(event, 'keyPairId')) ?? name,
          account: event.account,
        },
      ],
      context: {
        keyName: name,
        keyFingerprint: text(response(event, 'keyFingerprint')) ?? '',
        keyType: text(request(event, 'keyType')) ?? '',
        knownBadName: String(knownBad),
        instanceCredentials: instance ?? '',
      },
    };
  },
});
