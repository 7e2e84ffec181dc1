import { flag } from '../rds-request.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'ec2-ami-deregistered',
  title: 'AMI deregistered',
  description:
    'An AMI was deregistered, which stops new instances and Auto Scaling from launching it; with ' +
    '`deleteAssociatedSnapshots` its backing snapshots went too (medium), otherwise it is logged at low severity ' +
    'as image pipelines retire old AMIs daily. Destroying golden images and their snapshots hampers recovery.',
  severity: 'low',
  mitre: ['T1485', 'T1490'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  stratus: ['aws.impact.ec2-deregister-ami'],
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/deregister-ami.html',
  remediation:
    'If unplanned: recover it from the Recycle Bin if a retention rule covers AMIs (`aws rbin list-rules`, ' +
    '`aws ec2 restore-image-from-recycle-bin --image-id <ami>`), or register it again from its snapshot (`aws ec2 ' +
    'register-image`). Protect golden images with AMI deregistration protection and Recycle Bin rules.',
  actions: ['ec2:DeregisterImage'],
  match: (event) => {
    const image = text(request(event, 'imageId')) ?? 'unknown';
    const withSnapshots = flag(request(event, 'deleteAssociatedSnapshots')) === true;
    const who = actor(event);
    return {
      key: `${event.account}:${image}`,
      title: `AMI ${image} deregistered${withSnapshots ? ' with its snapshots' : ''} by ${who}`,
      description: `${who} deregistered AMI ${image}${withSnapshots ? ' and deleted its backing snapshots' : ''}.`,
      severity: withSnapshots ? 'medium' : 'low',
      resources: [{ type: 'AWS::EC2::Image', id: image, account: event.account }],
    };
  },
});
