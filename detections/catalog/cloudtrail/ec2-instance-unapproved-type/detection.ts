import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { type InstanceLaunch, instanceLaunch, instancesLabel } from '../instance-launch.js';
import { succeeded } from '../record.js';

const ID = 'ec2-instance-unapproved-type';

export const DEFAULT_PARAMS = { approvedFamilies: ['t3', 't4g', 'm6i', 'm7g', 'c6i', 'c7g', 'r6i'] };

export const detection: Detection = {
  id: ID,
  title: 'EC2 instance of an unapproved type launched',
  description:
    'An instance was launched whose family (the part of the type before the dot, e.g. p4d in p4d.24xlarge) ' +
    'is not on the approved list. Unapproved families mean unplanned cost, and GPU or very large families are ' +
    'what crypto-miners launch with stolen credentials.',
  severity: 'medium',
  mitre: ['T1578.002', 'T1496'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-types.html',
  remediation:
    'Ask the engineer who launched it to replace it with an approved family (stop, then `aws ec2 ' +
    'modify-instance-attribute --instance-id <id> --instance-type <approved type>`, or terminate it); enforce ' +
    'the list with an SCP or IAM condition on `ec2:InstanceType` for RunInstances.',
  routes: [{ source: 'cloudtrail', actions: ['ec2:RunInstances'] }],
  dedupPeriodMs: hours(1),
  operator: ({ params }) => {
    const approved = paramReader(ID, params).strings('approvedFamilies', DEFAULT_PARAMS.approvedFamilies);
    return (events) =>
      events.pipe(
        filter(succeeded),
        map((event) => ({ event, launch: instanceLaunch(event) })),
        filter(({ launch }) => isUnapproved(launch, approved)),
        map(({ event, launch }) => toFinding(event, launch, approved)),
      );
  },
};

/** `p4d.24xlarge` → `p4d`; null when the record has no instance type. */
function familyOf(instanceType: string | null): string | null {
  return instanceType === null ? null : (instanceType.split('.')[0] ?? null);
}

function isUnapproved(launch: InstanceLaunch, approved: readonly string[]): boolean {
  const family = familyOf(launch.instanceType);
  return family !== null && !approved.includes(family);
}

function toFinding(event: SecurityEvent, launch: InstanceLaunch, approved: readonly string[]) {
  const instanceType = launch.instanceType ?? '';
  const family = familyOf(launch.instanceType) ?? '';
  return buildFinding(detection, {
    key: `${event.account}:${instanceType}`,
    trigger: event,
    title: `Unapproved instance type ${instanceType} launched by ${principalLabel(event) ?? 'an unknown principal'}`,
    description:
      `${instancesLabel(launch)} of type ${instanceType} launched in ${event.region ?? 'an unknown region'}; ` +
      `family ${family} is not approved (${approved.join(', ')}).`,
    resources: launch.resources,
    context: {
      instanceType,
      family,
      approvedFamilies: approved.join(','),
      instanceCount: String(launch.count),
      instanceIds: launch.instanceIds.join(','),
      region: event.region ?? '',
    },
  });
}
