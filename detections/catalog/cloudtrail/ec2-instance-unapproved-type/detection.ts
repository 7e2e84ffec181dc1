import { hours } from '../../../operators/index.js';
import { instanceLaunch, instancesLabel, isDryRun } from '../instance-launch.js';
import { succeeded } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = { approvedFamilies: ['t3', 't4g', 'm6i', 'm7g', 'c6i', 'c7g', 'r6i'] };

/** GPU, machine-learning accelerator and FPGA families: what crypto-miners and model thieves ask for. */
const ACCELERATED_FAMILY = /^(p\d|g\d|gr\d|inf\d|trn\d|dl\d|vt\d|f\d)/;

export const detection = cloudTrailRule({
  id: 'ec2-instance-unapproved-type',
  title: 'EC2 instance of an unapproved type launched',
  description:
    'An instance was launched, or a launch attempted, whose family (the part of the type before the dot, e.g. ' +
    'p4d in p4d.24xlarge) is not on the approved list. Unapproved families mean unplanned cost; GPU, ' +
    'accelerator and FPGA families (p, g, inf, trn, dl, f...) are what crypto-miners launch with stolen ' +
    'credentials and are high severity. A refused launch counts (access denied, vCPU limit exceeded): attackers ' +
    'probe with credentials that cannot launch yet. Dry runs do not.',
  severity: 'medium',
  mitre: ['T1578.002', 'T1496.001'],
  tactics: ['impact', 'execution'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.EC2.LaunchUnusualEC2Instances'] },
  stratus: ['aws.execution.ec2-launch-unusual-instances'],
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-types.html',
  remediation:
    'Ask the engineer who launched it to replace it with an approved family (stop, then `aws ec2 ' +
    'modify-instance-attribute --instance-id <id> --instance-type <approved type>`, or terminate it); if nobody ' +
    'did, terminate the instances and deactivate the credentials that launched them. Enforce the list with an ' +
    'SCP or IAM condition on `ec2:InstanceType` for RunInstances, and keep the GPU vCPU quotas at zero where ' +
    'they are not needed.',
  actions: ['ec2:RunInstances'],
  dedupPeriodMs: hours(1),
  settings: (read) => read.strings('approvedFamilies', DEFAULT_PARAMS.approvedFamilies),
  match: (event, approved) => {
    if (isDryRun(event)) return null;
    const launch = instanceLaunch(event);
    const instanceType = launch.instanceType;
    const family = instanceType?.split('.')[0] ?? null;
    if (instanceType === null || family === null || approved.includes(family)) return null;
    const accelerated = ACCELERATED_FAMILY.test(family);
    const who = actor(event);
    return {
      key: `${event.account}:${instanceType}`,
      title: `Unapproved instance type ${instanceType} launched by ${who}`,
      description:
        `${instancesLabel(launch)} of type ${instanceType} ${succeeded(event) ? 'launched' : 'requested'} in ${event.region ?? 'an unknown region'}; ` +
        `family ${family} is not approved (${approved.join(', ')})${accelerated ? ' and is a GPU/accelerator family' : ''}.`,
      severity: accelerated ? 'high' : 'medium',
      resources: launch.resources,
      context: {
        instanceType,
        family,
        approvedFamilies: approved.join(','),
        instanceCount: String(launch.count),
        instanceIds: launch.instanceIds.join(','),
      },
    };
  },
});
