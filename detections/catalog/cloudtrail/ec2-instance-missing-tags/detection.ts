import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { paramReader } from '../../params.js';
import { type InstanceLaunch, instanceLaunch, instancesLabel } from '../instance-launch.js';
import { succeeded } from '../record.js';

const ID = 'ec2-instance-missing-tags';

export const DEFAULT_PARAMS = { requiredTags: ['owner', 'cost-center'] };

export const detection: Detection = {
  id: ID,
  title: 'EC2 instance launched without required tags',
  description:
    'An instance was launched without the tags every instance must carry (by default owner and cost-center; ' +
    'a tag with an empty value counts as missing). Untagged instances have no owner to ask during an ' +
    'incident, escape cost reports, and fall outside tag-based allow-lists and access policies.',
  severity: 'medium',
  mitre: ['T1578.002'],
  tactics: ['defense-evasion'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html',
  remediation:
    'Tag the instance (`aws ec2 create-tags --resources <instance-id> --tags Key=owner,Value=<team> ' +
    'Key=cost-center,Value=<code>`, or EC2 console → Instance → Tags → Manage tags) and add the tags to the ' +
    'launch template or IaC; enforce them with a tag policy or an `aws:RequestTag` condition on RunInstances.',
  routes: [{ source: 'cloudtrail', actions: ['ec2:RunInstances'] }],
  operator: ({ params }) => {
    const required = paramReader(ID, params).strings('requiredTags', DEFAULT_PARAMS.requiredTags);
    return (events) =>
      events.pipe(
        filter(succeeded),
        map((event) => withMissingTags(event, required)),
        filter(({ missing }) => missing.length > 0),
        map(({ event, launch, missing }) => toFinding(event, launch, missing)),
      );
  },
};

/** Required tags absent from the launch, or present with an empty value. */
function withMissingTags(event: SecurityEvent, required: readonly string[]) {
  const launch = instanceLaunch(event);
  return { event, launch, missing: required.filter((key) => !launch.tags[key]) };
}

function toFinding(event: SecurityEvent, launch: InstanceLaunch, missing: readonly string[]) {
  const who = principalLabel(event) ?? 'an unknown principal';
  return buildFinding(detection, {
    key: `${event.account}:${launch.instanceIds.join(',') || event.id}`,
    trigger: event,
    title: `${instancesLabel(launch)} launched by ${who} without tag(s) ${missing.join(', ')}`,
    description:
      `${who} launched ${instancesLabel(launch)} in ${event.region ?? 'an unknown region'} without the ` +
      `required tag(s) ${missing.join(', ')}. Add them so the instance has an owner and a cost center.`,
    resources: launch.resources,
    context: {
      missingTags: missing.join(','),
      instanceIds: launch.instanceIds.join(','),
      instanceType: launch.instanceType ?? '',
      region: event.region ?? '',
    },
  });
}
