import type { Resource, SecurityEvent } from '../../../schemas/types.js';
import { at, integer, items, request, response, tagRecord, text } from './record.js';

/**
 * What an `ec2:RunInstances` record says about the launch: the instances (from the response when the call
 * succeeded), their type and the tags requested for them.
 *
 *   const launch = instanceLaunch(event);
 *   launch.instanceIds // ['i-0a1b2c3d4e5f60718']; launch.count // 1
 */
export interface InstanceLaunch {
  /** Ids from the response, in order; empty when the record has no response. */
  instanceIds: string[];
  /** Launched instances, or the requested maxCount when the response lists none. */
  count: number;
  instanceType: string | null;
  /** Tags for resourceType `instance` from the request's tagSpecificationSet plus the response's tagSets. */
  tags: Record<string, string>;
  /** Instance profile ARN or name from the request. */
  profile: string | null;
  resources: Resource[];
}

export function instanceLaunch(event: SecurityEvent): InstanceLaunch {
  const launched = items(response(event, 'instancesSet'));
  const instanceIds = launched.flatMap((item) => text(at(item, 'instanceId')) ?? []);
  const requestedCount =
    integer(request(event, 'maxCount')) ??
    integer(at(items(request(event, 'instancesSet'))[0], 'maxCount')) ??
    1;
  const tags = Object.assign(
    Object.create(null) as Record<string, string>,
    ...items(request(event, 'tagSpecificationSet'))
      .filter((spec) => at(spec, 'resourceType') === 'instance')
      .map((spec) => tagRecord(items(at(spec, 'tags')))),
    ...launched.map((item) => tagRecord(items(at(item, 'tagSet')))),
  );
  return {
    instanceIds,
    count: launched.length > 0 ? launched.length : requestedCount,
    instanceType: text(request(event, 'instanceType')) ?? text(at(launched[0], 'instanceType')),
    tags,
    profile: instanceProfileOf(event),
    resources: instanceIds.map((id) => ({ type: 'AWS::EC2::Instance', id, account: event.account })),
  };
}

/** The instance profile (ARN or name) an EC2 call attaches: RunInstances and the profile association calls. */
export function instanceProfileOf(event: SecurityEvent): string | null {
  return (
    text(request(event, 'iamInstanceProfile', 'arn')) ?? text(request(event, 'iamInstanceProfile', 'name'))
  );
}

/** `arn:aws:iam::123456789012:instance-profile/path/web` → `web`; a plain name is returned as is. */
export function lastPathSegment(nameOrArn: string): string {
  return nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);
}

/** Instance ids, or `N instances` when the record names none (a failed or truncated record). */
export function instancesLabel(launch: InstanceLaunch): string {
  if (launch.instanceIds.length > 0) return launch.instanceIds.join(', ');
  return launch.count === 1 ? '1 instance' : `${launch.count} instances`;
}

/** A dry run (`Client.DryRunOperation`): AWS only checked the permission, nothing was launched or changed. */
export function isDryRun(event: SecurityEvent): boolean {
  return /DryRunOperation$/.test(event.errorCode ?? '');
}
