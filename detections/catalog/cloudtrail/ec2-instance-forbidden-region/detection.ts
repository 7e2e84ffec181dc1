import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { instanceLaunch, instancesLabel } from '../instance-launch.js';
import { succeeded } from '../record.js';

const ID = 'ec2-instance-forbidden-region';

export const DEFAULT_PARAMS = { allowedRegions: ['us-east-1', 'us-west-2', 'eu-west-1'] };

export const detection: Detection = {
  id: ID,
  title: 'EC2 instance launched in a forbidden region',
  description:
    'Instances were launched in a region the organisation does not use. Attackers with stolen credentials ' +
    'launch (often crypto-mining) instances in unused regions, where nobody looks and no monitoring is set up.',
  severity: 'high',
  mitre: ['T1535', 'T1578.002'],
  tactics: ['defense-evasion', 'impact'],
  failedCalls: 'ignored',
  runbook:
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html',
  remediation:
    'If nobody in the team launched them: terminate the instances (`aws ec2 terminate-instances --region ' +
    '<region> --instance-ids <ids>`), deactivate the access key or session that launched them (IAM console → ' +
    'Users → Security credentials), and deny unused regions with an SCP on `aws:RequestedRegion`.',
  routes: [{ source: 'cloudtrail', actions: ['ec2:RunInstances'] }],
  dedupPeriodMs: hours(1),
  operator: ({ params }) => {
    const allowed = paramReader(ID, params).strings('allowedRegions', DEFAULT_PARAMS.allowedRegions);
    return (events) =>
      events.pipe(
        filter((event) => succeeded(event) && event.region !== null && !allowed.includes(event.region)),
        map((event) => toFinding(event, allowed)),
      );
  },
};

function toFinding(event: SecurityEvent, allowed: readonly string[]) {
  const launch = instanceLaunch(event);
  const region = event.region ?? '';
  return buildFinding(detection, {
    key: `${event.account}:${region}`,
    trigger: event,
    title: `${launch.count} ${launch.instanceType ?? 'EC2'} instance(s) launched in forbidden region ${region}`,
    description:
      `${principalLabel(event) ?? 'An unknown principal'} launched ${instancesLabel(launch)} in ${region}, ` +
      `outside the allowed regions (${allowed.join(', ')}). Confirm the launch or terminate the instances.`,
    resources: launch.resources,
    context: {
      region,
      allowedRegions: allowed.join(','),
      instanceType: launch.instanceType ?? '',
      instanceCount: String(launch.count),
      instanceIds: launch.instanceIds.join(','),
    },
  });
}
