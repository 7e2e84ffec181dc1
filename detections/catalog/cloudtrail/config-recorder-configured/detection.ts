import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'config-recorder-configured',
  title: 'AWS Config recorder or delivery channel set up',
  description:
    'An AWS Config recorder or delivery channel was created or replaced. Inventory-grade: it records where ' +
    'configuration history is delivered (a bucket or topic outside the organization would send the inventory of ' +
    'every resource there) and which role records it; weakening changes are config-recording-disabled.',
  severity: 'info',
  mitre: ['T1526'],
  tactics: ['discovery'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.ConfigService.Created'] },
  runbook: 'https://docs.aws.amazon.com/config/latest/developerguide/manage-delivery-channel.html',
  remediation:
    "Check that the delivery channel writes to the organization's log archive bucket (`aws configservice " +
    'describe-delivery-channels`) and that the recorder records all resource types (`aws configservice ' +
    'describe-configuration-recorders`); if not, put them back from IaC (AWS Config console → Settings → Edit).',
  actions: ['config:PutConfigurationRecorder', 'config:PutDeliveryChannel'],
  match: (event) => {
    const channel = event.action === 'config:PutDeliveryChannel';
    const name =
      text(request(event, channel ? 'deliveryChannel' : 'configurationRecorder', 'name')) ??
      text(request(event, 'configurationRecorderName')) ??
      'default';
    const bucket = text(request(event, 'deliveryChannel', 's3BucketName'));
    const role = text(request(event, 'configurationRecorder', 'roleARN'));
    const what = channel ? 'delivery channel' : 'recorder';
    const target = channel
      ? bucket === null
        ? ''
        : ` delivering to s3://${bucket}`
      : role === null
        ? ''
        : ` recording as ${role}`;
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${what}:${name}`,
      title: `AWS Config ${what} ${name} set${target} by ${who}`,
      description: `${who} created or replaced the AWS Config ${what} ${name} in ${event.region ?? 'an unknown region'}${target}.`,
      resources: [{ type: 'AWS::Config::ConfigurationRecorder', id: name, account: event.account }],
      context: { name, bucket: bucket ?? '', role: role ?? '' },
    };
  },
});
