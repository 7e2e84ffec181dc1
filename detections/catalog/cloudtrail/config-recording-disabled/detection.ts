import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { isFalse } from '../flag.js';
import { at, items, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** Per action: what it removes, how bad that is, and which request field names the resource. */
const REMOVALS: Readonly<Record<string, { what: string; severity: Severity; name: string }>> = {
  'config:StopConfigurationRecorder': {
    what: 'recorder stopped',
    severity: 'high',
    name: 'configurationRecorderName',
  },
  'config:DeleteConfigurationRecorder': {
    what: 'recorder deleted',
    severity: 'high',
    name: 'configurationRecorderName',
  },
  'config:DeleteServiceLinkedConfigurationRecorder': {
    what: 'recorder deleted',
    severity: 'high',
    name: 'serviceLinkedConfigurationRecorderArn',
  },
  'config:DeleteDeliveryChannel': {
    what: 'delivery channel deleted',
    severity: 'high',
    name: 'deliveryChannelName',
  },
  'config:DeleteConfigRule': { what: 'rule deleted', severity: 'medium', name: 'configRuleName' },
  'config:DeleteOrganizationConfigRule': {
    what: 'organization rule deleted',
    severity: 'medium',
    name: 'organizationConfigRuleName',
  },
  'config:DeleteConformancePack': {
    what: 'conformance pack deleted',
    severity: 'medium',
    name: 'conformancePackName',
  },
  'config:DeleteOrganizationConformancePack': {
    what: 'organization conformance pack deleted',
    severity: 'medium',
    name: 'organizationConformancePackName',
  },
  'config:DeleteConfigurationAggregator': {
    what: 'aggregator deleted',
    severity: 'medium',
    name: 'configurationAggregatorName',
  },
};

export const detection = cloudTrailRule({
  id: 'config-recording-disabled',
  title: 'AWS Config recording stopped, or its rules removed',
  description:
    'The AWS Config recorder was stopped or deleted, its delivery channel deleted (high: configuration changes ' +
    "are no longer recorded or delivered, so drift and the attacker's changes leave no history), the recorder " +
    'narrowed to fewer resource types, or rules, conformance packs or aggregators deleted (medium: compliance ' +
    "checks that would flag the attacker's changes are gone). A call refused for lack of permission counts.",
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.ConfigService.DisabledDeleted'] },
  runbook: 'https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html',
  remediation:
    'Start the recorder again (`aws configservice start-configuration-recorder --configuration-recorder-name ' +
    '<name>`, AWS Config console → Settings → Recording is on), recreate a deleted recorder, delivery channel ' +
    '(`aws configservice put-delivery-channel`), rule or conformance pack from IaC, and restore a narrowed ' +
    'recording group to all resource types. Deny config:Stop*/Delete* outside the delegated administrator with an SCP.',
  actions: [...Object.keys(REMOVALS), 'config:PutConfigurationRecorder'],
  match: successOrDenied((event) => {
    const removal = removalOf(event);
    if (removal === null) return null;
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${removal.name}:${removal.what}`,
      severity: removal.severity,
      title: `AWS Config ${removal.what} (${removal.name}) in ${event.region ?? 'an unknown region'} by ${who}`,
      description: `${who} called ${event.action} on ${removal.name}: AWS Config ${removal.what}.`,
      resources: [{ type: 'AWS::Config::ConfigurationRecorder', id: removal.name, account: event.account }],
      context: { name: removal.name, change: removal.what },
    };
  }),
});

function removalOf(event: SecurityEvent): { what: string; severity: Severity; name: string } | null {
  const known = REMOVALS[event.action];
  if (known !== undefined) {
    // Panther's exports name the recorder where AWS names the channel: accept either
    const name =
      text(request(event, known.name)) ?? text(request(event, 'configurationRecorderName')) ?? 'default';
    return { ...known, name };
  }
  const narrowed = narrowedRecording(event);
  if (narrowed === null) return null;
  const name = text(request(event, 'configurationRecorder', 'name')) ?? 'default';
  return { what: `recorder narrowed (${narrowed})`, severity: 'medium', name };
}

/** PutConfigurationRecorder with a recording group that leaves resource types out. */
function narrowedRecording(event: SecurityEvent): string | null {
  const group = request(event, 'configurationRecorder', 'recordingGroup');
  if (group === undefined) return null;
  const excluded = items(at(group, 'exclusionByResourceTypes', 'resourceTypes'))
    .map(text)
    .filter((type): type is string => type !== null);
  if (excluded.length > 0) return `excludes ${excluded.join(', ')}`;
  if (isFalse(at(group, 'allSupported'))) {
    const only = items(at(group, 'resourceTypes')).length;
    return `records only ${only} resource type(s)`;
  }
  return null;
}
