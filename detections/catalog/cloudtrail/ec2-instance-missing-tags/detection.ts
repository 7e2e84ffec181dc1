import { instanceLaunch, instancesLabel } from '../instance-launch.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = { requiredTags: ['owner', 'cost-center'] };

export const detection = cloudTrailRule({
  id: 'ec2-instance-missing-tags',
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
  actions: ['ec2:RunInstances'],
  settings: (read) => read.strings('requiredTags', DEFAULT_PARAMS.requiredTags),
  match: (event, required) => {
    const launch = instanceLaunch(event);
    const missing = required.filter((key) => !launch.tags[key]);
    if (missing.length === 0) return null;
    const who = actor(event);
    return {
      key: `${event.account}:${launch.instanceIds.join(',') || event.id}`,
      title: `${instancesLabel(launch)} launched by ${who} without tag(s) ${missing.join(', ')}`,
      description:
        `${who} launched ${instancesLabel(launch)} in ${event.region ?? 'an unknown region'} without the ` +
        `required tag(s) ${missing.join(', ')}. Add them so the instance has an owner and a cost center.`,
      resources: launch.resources,
      context: {
        missingTags: missing.join(','),
        instanceIds: launch.instanceIds.join(','),
        instanceType: launch.instanceType ?? '',
      },
    };
  },
});
