import type { JsonValue, SecurityEvent } from '../../../../schemas/types.js';
import { field, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'ec2-imdsv1-enabled',
  title: 'IMDSv1 re-enabled on an instance or as the account default',
  description:
    'The instance metadata service was set to accept IMDSv1 again (HttpTokens `optional`), on an instance ' +
    '(ModifyInstanceMetadataOptions) or as the region default for new instances (ModifyInstanceMetadataDefaults ' +
    'with `optional` or `no-preference`). IMDSv1 answers plain GET requests, so one SSRF in an application is ' +
    "enough to read the instance role's credentials; turning IMDSv2 off is a classic step before stealing them.",
  severity: 'medium',
  mitre: ['T1562', 'T1552.005'],
  tactics: ['defense-evasion', 'credential-access'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html',
  remediation:
    'Require IMDSv2 again: `aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required ' +
    '--http-endpoint enabled` (EC2 console → Instance → Actions → Instance settings → Modify instance metadata ' +
    'options), or for the region default `aws ec2 modify-instance-metadata-defaults --http-tokens required`; ' +
    'enforce it with the `ec2:MetadataHttpTokens` condition in an SCP.',
  actions: ['ec2:ModifyInstanceMetadataOptions', 'ec2:ModifyInstanceMetadataDefaults'],
  match: (event) => {
    const defaults = event.action === 'ec2:ModifyInstanceMetadataDefaults';
    const options = requestOptions(
      event,
      defaults ? 'ModifyInstanceMetadataDefaultsRequest' : 'ModifyInstanceMetadataOptionsRequest',
    );
    const tokens = text(caseless(options, 'HttpTokens'))?.toLowerCase();
    if (tokens !== 'optional' && !(defaults && tokens === 'no-preference')) return null;
    const instance = text(caseless(options, 'InstanceId'));
    const target = defaults
      ? `the default for new instances in ${event.region ?? 'an unknown region'}`
      : (instance ?? 'an instance');
    const who = actor(event);
    return {
      key: `${event.account}:${defaults ? `defaults:${event.region}` : instance}`,
      title: `IMDSv1 allowed again on ${target} by ${who}`,
      description:
        `${who} set HttpTokens to ${tokens} on ${target}: the metadata service answers IMDSv1 requests, so an SSRF ` +
        'can read the instance role credentials.',
      resources: instance ? [{ type: 'AWS::EC2::Instance', id: instance, account: event.account }] : [],
      context: {
        httpTokens: tokens ?? '',
        instanceId: instance ?? '',
        scope: defaults ? 'account-default' : 'instance',
      },
    };
  },
});

/** The call's options: nested in `<Api>Request` (as CloudTrail writes these two APIs) or flat. */
function requestOptions(event: SecurityEvent, wrapper: string): JsonValue | undefined {
  const parameters = field(event, 'requestParameters');
  return caseless(parameters, wrapper) ?? parameters;
}

/** A field read without regard to case: these APIs are logged PascalCase, other clients camelCase. */
function caseless(value: JsonValue | undefined, name: string): JsonValue | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const key = Object.keys(value).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : value[key];
}
