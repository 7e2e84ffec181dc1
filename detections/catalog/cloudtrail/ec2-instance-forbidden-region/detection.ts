import { hours } from '../../../operators/index.js';
import { instanceLaunch, instancesLabel, isDryRun } from '../instance-launch.js';
import { succeeded } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = { allowedRegions: ['us-east-1', 'us-west-2', 'eu-west-1'] };

export const detection = cloudTrailRule({
  id: 'ec2-instance-forbidden-region',
  title: 'EC2 instance launched in a forbidden region',
  description:
    'Instances were launched, or a launch attempted, in a region the organisation does not use. Attackers with ' +
    'stolen credentials launch (often crypto-mining) instances in unused regions, where nobody looks and no ' +
    'monitoring is set up. A refused launch (an SCP denying the region, a quota) is reported at medium ' +
    'severity: someone tried. Dry runs are not reported.',
  severity: 'high',
  mitre: ['T1535', 'T1578.002'],
  tactics: ['defense-evasion', 'impact'],
  failedCalls: 'counted',
  runbook:
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html',
  remediation:
    'If nobody in the team launched them: terminate the instances (`aws ec2 terminate-instances --region ' +
    '<region> --instance-ids <ids>`), deactivate the access key or session that launched them (IAM console → ' +
    'Users → Security credentials), and deny unused regions with an SCP on `aws:RequestedRegion`.',
  actions: ['ec2:RunInstances'],
  dedupPeriodMs: hours(1),
  settings: (read) => read.strings('allowedRegions', DEFAULT_PARAMS.allowedRegions),
  match: (event, allowed) => {
    const region = event.region;
    if (region === null || allowed.includes(region) || isDryRun(event)) return null;
    const launch = instanceLaunch(event);
    const who = actor(event);
    return {
      key: `${event.account}:${region}`,
      title: `${launch.count} ${launch.instanceType ?? 'EC2'} instance(s) launched in forbidden region ${region}`,
      description:
        `${who} ${succeeded(event) ? 'launched' : 'tried to launch'} ${instancesLabel(launch)} in ${region}, outside the allowed regions ` +
        `(${allowed.join(', ')}). Confirm the launch or terminate the instances.`,
      severity: succeeded(event) ? 'high' : 'medium',
      resources: launch.resources,
      context: {
        allowedRegions: allowed.join(','),
        instanceType: launch.instanceType ?? '',
        instanceCount: String(launch.count),
        instanceIds: launch.instanceIds.join(','),
      },
    };
  },
});
