import type { SecurityEvent } from '../../../../schemas/types.js';
import { actorKind } from '../actor-kind.js';
import { requestedInstanceIds } from '../instance-ids.js';
import { instanceLaunch } from '../instance-launch.js';
import { at, items, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

const VERBS: Readonly<Record<string, string>> = {
  'ec2:RunInstances': 'launched',
  'ec2:StopInstances': 'stopped',
  'ec2:TerminateInstances': 'terminated',
};

export const detection = cloudTrailRule({
  id: 'ec2-instance-lifecycle-change',
  title: 'EC2 instances launched, stopped or terminated',
  description:
    'Instances were stopped or terminated by a person or a pipeline (not by Auto Scaling or another AWS ' +
    'service), or launched by hand (a person, or the console). Recorded at info severity as the compute change ' +
    'log an investigation needs: a stop is also the first step of changing user data, termination destroys ' +
    'evidence, and a hand launch bypasses the pipeline. Pipeline launches are left out (routine); bursts are ' +
    'reported by ec2-instances-mass-stopped-or-terminated.',
  severity: 'info',
  mitre: ['T1578.002', 'T1529'],
  tactics: ['defense-evasion', 'impact'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.EC2.StopInstances', 'AWS.Modify.Cloud.Compute.Infrastructure'] },
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html',
  remediation:
    'Nothing to do if the change was planned. Otherwise find who made it (the principal in the finding), ' +
    'start the instances again if needed (`aws ec2 start-instances --instance-ids <ids>`), protect important ' +
    'ones (`aws ec2 modify-instance-attribute --instance-id <id> --disable-api-termination`), and route ' +
    'changes through infrastructure as code.',
  actions: Object.keys(VERBS),
  match: (event) => {
    const kind = actorKind(event);
    if (
      kind === 'service' ||
      (event.action === 'ec2:RunInstances' && kind !== 'person' && !fromConsole(event))
    ) {
      return null;
    }
    const verb = VERBS[event.action] ?? 'changed';
    const launch = event.action === 'ec2:RunInstances' ? instanceLaunch(event) : null;
    const changed = items(response(event, 'instancesSet')).flatMap(
      (item) => text(at(item, 'instanceId')) ?? [],
    );
    const instances = launch?.instanceIds ?? (changed.length > 0 ? changed : requestedInstanceIds(event));
    const label = instances.length > 0 ? instances.join(', ') : `${launch?.count ?? 0} instance(s)`;
    const who = actor(event);
    return {
      key: `${event.account}:${event.action}:${instances.join(',') || event.id}`,
      title: `EC2 instance(s) ${label} ${verb} by ${who}`,
      description: `${who} ${verb} ${label} in ${event.region ?? 'an unknown region'}.`,
      resources: instances.map((id) => ({ type: 'AWS::EC2::Instance', id, account: event.account })),
      context: {
        instanceIds: instances.join(','),
        ...(launch ? { instanceType: launch.instanceType ?? '' } : {}),
        actorKind: kind,
      },
    };
  },
});

/** Console launches reach CloudTrail with the user agent `AWS Internal` or a console host name. */
function fromConsole(event: SecurityEvent): boolean {
  return /^AWS Internal$|^(signin\.|console\.)|\.console\.aws\.amazon\.com/.test(event.userAgent ?? '');
}
